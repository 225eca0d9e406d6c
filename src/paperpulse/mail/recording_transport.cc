#include "paperpulse/mail/recording_transport.h"

#include <utility>

namespace paperpulse::mail {

Status RecordingTransport::Send(const Message& message) {
  {
    std::lock_guard lock(mu_);
    ++attempts_;
  }
  // Any fixed time will do: only whether the message composes matters here.
  RETURN_IF_ERROR(ComposeMime(message, Clock::WallTime{}));
  std::lock_guard lock(mu_);
  if (failures_left_ > 0) {
    --failures_left_;
    return tl::unexpected(failure_);
  }
  sent_.push_back(message);
  return Ok();
}

Status RecordingTransport::SendMime(std::string_view from, const std::vector<std::string>& to,
                                    std::string_view mime) {
  std::lock_guard lock(mu_);
  ++attempts_;
  if (failures_left_ > 0) {
    --failures_left_;
    return tl::unexpected(failure_);
  }
  raw_.push_back({std::string(from), to, std::string(mime)});
  return Ok();
}

std::vector<RecordingTransport::RawMessage> RecordingTransport::raw() const {
  std::lock_guard lock(mu_);
  return raw_;
}

void RecordingTransport::FailNext(int count, Error error) {
  std::lock_guard lock(mu_);
  failures_left_ = count;
  failure_ = std::move(error);
}

std::vector<Message> RecordingTransport::sent() const {
  std::lock_guard lock(mu_);
  return sent_;
}

int RecordingTransport::attempts() const {
  std::lock_guard lock(mu_);
  return attempts_;
}

}  // namespace paperpulse::mail
