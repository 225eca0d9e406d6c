#include "paperpulse/mail/async_sender.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

namespace paperpulse::mail {
namespace {

std::string Recipients(const Message& message) {
  std::string list;
  for (const Address& to : message.to) {
    if (!list.empty()) list.append(", ");
    list.append(to.email);
  }
  return list;
}

}  // namespace

AsyncSender::AsyncSender(Transport& transport, AsyncSenderOptions options)
    : transport_(transport),
      options_(options),
      clock_(options_.clock != nullptr ? *options_.clock : own_clock_),
      thread_([this] { Run(); }) {}

AsyncSender::~AsyncSender() { Stop(); }

Status AsyncSender::Enqueue(Message message) {
  if (!message.date) message.date = clock_.Now();
  if (message.message_id.empty() && IsValidEmail(message.from.email)) {
    message.message_id = NewMessageId(message.from.email);
  }
  // Composed once here only to be checked; the transport composes again.
  RETURN_IF_ERROR(ComposeMime(message, *message.date));
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Fail(ErrorCode::kFailedPrecondition, "mail: the sender is stopped");
    if (queue_.size() >= options_.max_queue) {
      return Fail(ErrorCode::kResourceExhausted,
                  "mail: " + std::to_string(queue_.size()) + " messages are waiting already");
    }
    queue_.push_back(std::move(message));
  }
  work_.notify_one();
  return Ok();
}

void AsyncSender::Flush() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return (queue_.empty() && !busy_) || stopping_; });
}

void AsyncSender::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  idle_.notify_all();
  own_clock_.Interrupt();
  std::lock_guard join_lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

AsyncSenderStats AsyncSender::stats() const {
  std::lock_guard lock(mu_);
  AsyncSenderStats stats = stats_;
  stats.queued = queue_.size();
  return stats;
}

void AsyncSender::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) break;
    Message message = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Deliver(message);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
  if (!queue_.empty()) {
    spdlog::error("mail: stopped with {} message(s) unsent", queue_.size());
    stats_.failed += static_cast<int64_t>(queue_.size());
    queue_.clear();
  }
}

void AsyncSender::Deliver(const Message& message) {
  Clock::Duration backoff = options_.first_backoff;
  for (int attempt = 1;; ++attempt) {
    Status sent = transport_.Send(message);
    if (sent) {
      std::lock_guard lock(mu_);
      ++stats_.sent;
      return;
    }
    const Error& error = sent.error();
    if (error.code != ErrorCode::kUnavailable || attempt >= options_.max_attempts) {
      spdlog::error("mail: giving up on <{}> to {} after {} tr{}: {}", message.message_id,
                    Recipients(message), attempt, attempt == 1 ? "y" : "ies", error.ToString());
      std::lock_guard lock(mu_);
      ++stats_.failed;
      return;
    }
    spdlog::warn("mail: try {} of {} of <{}> failed, next in {} ms: {}", attempt,
                 options_.max_attempts, message.message_id,
                 std::chrono::duration_cast<std::chrono::milliseconds>(backoff).count(),
                 error.ToString());
    clock_.SleepFor(backoff);
    backoff *= 2;
    std::lock_guard lock(mu_);
    if (stopping_) {
      spdlog::error("mail: stopped before retrying <{}> to {}", message.message_id,
                    Recipients(message));
      ++stats_.failed;
      return;
    }
    ++stats_.retries;
  }
}

}  // namespace paperpulse::mail
