#include "paperpulse/mail/async_sender.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>

#include "paperpulse/mail/recording_transport.h"

namespace paperpulse::mail {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

Message To(std::string email) {
  Message m;
  m.from = {"noreply@example.org", ""};
  m.to = {{std::move(email), ""}};
  m.subject = "Your sign-in link";
  m.text = "https://paperpulse.example.org/login/abc";
  return m;
}

// A transport whose Send blocks until Release(), for states that only exist
// while a message is in flight.
class GatedTransport final : public Transport {
 public:
  Status Send(const Message& message) override {
    std::unique_lock lock(mu_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    return recording_.Send(message);
  }
  Status SendMime(std::string_view from, const std::vector<std::string>& to,
                  std::string_view mime) override {
    return recording_.SendMime(from, to, mime);
  }
  void WaitUntilEntered(int n) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return entered_ >= n; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  RecordingTransport& recording() { return recording_; }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int entered_ = 0;
  bool open_ = false;
  RecordingTransport recording_;
};

TEST(AsyncSender, SendsInOrderAndFlushWaitsForIt) {
  RecordingTransport transport;
  FakeClock clock;
  AsyncSender sender(transport, {.clock = &clock});
  for (std::string to : {"a@example.org", "b@example.org", "c@example.org"}) {
    ASSERT_TRUE(sender.Enqueue(To(to)));
  }
  sender.Flush();
  std::vector<Message> sent = transport.sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].to[0].email, "a@example.org");
  EXPECT_EQ(sent[2].to[0].email, "c@example.org");
  // Date and Message-ID were fixed when the message was queued.
  EXPECT_EQ(sent[0].date, FakeClock::DefaultStart());
  EXPECT_TRUE(sent[0].message_id.ends_with("@example.org"));
  EXPECT_EQ(sender.stats().sent, 3);
  EXPECT_EQ(sender.stats().failed, 0);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(AsyncSender, RetriesTransientFailuresWithDoublingBackoff) {
  RecordingTransport transport;
  transport.FailNext(2, Error{ErrorCode::kUnavailable, "451 4.3.0 try again later"});
  FakeClock clock;
  AsyncSender sender(transport, {.first_backoff = 5s, .clock = &clock});
  ASSERT_TRUE(sender.Enqueue(To("a@example.org")));
  sender.Flush();
  EXPECT_EQ(transport.attempts(), 3);
  EXPECT_EQ(transport.sent().size(), 1u);
  EXPECT_THAT(clock.sleeps(), ElementsAre(Clock::Duration(5s), Clock::Duration(10s)));
  AsyncSenderStats stats = sender.stats();
  EXPECT_EQ(stats.sent, 1);
  EXPECT_EQ(stats.retries, 2);
  EXPECT_EQ(stats.failed, 0);
}

TEST(AsyncSender, EveryTryOfOneMessageHasTheSameMessageId) {
  RecordingTransport transport;
  transport.FailNext(1, Error{ErrorCode::kUnavailable, "timed out"});
  FakeClock clock;
  AsyncSender sender(transport, {.clock = &clock});
  Message m = To("a@example.org");
  m.message_id = "fixed@example.org";
  ASSERT_TRUE(sender.Enqueue(m));
  sender.Flush();
  ASSERT_EQ(transport.sent().size(), 1u);
  EXPECT_EQ(transport.sent()[0].message_id, "fixed@example.org");
}

TEST(AsyncSender, GivesUpAfterMaxAttempts) {
  RecordingTransport transport;
  transport.FailNext(100, Error{ErrorCode::kUnavailable, "connection refused"});
  FakeClock clock;
  AsyncSender sender(transport, {.max_attempts = 3, .clock = &clock});
  ASSERT_TRUE(sender.Enqueue(To("a@example.org")));
  ASSERT_TRUE(sender.Enqueue(To("b@example.org")));
  sender.Flush();
  EXPECT_EQ(transport.attempts(), 6);
  EXPECT_TRUE(transport.sent().empty());
  EXPECT_EQ(sender.stats().failed, 2);
  EXPECT_EQ(sender.stats().retries, 4);
}

TEST(AsyncSender, DoesNotRetryPermanentFailures) {
  RecordingTransport transport;
  transport.FailNext(1, Error{ErrorCode::kInvalidArgument, "550 5.1.1 no such user"});
  FakeClock clock;
  AsyncSender sender(transport, {.clock = &clock});
  ASSERT_TRUE(sender.Enqueue(To("nobody@example.org")));
  ASSERT_TRUE(sender.Enqueue(To("b@example.org")));
  sender.Flush();
  EXPECT_EQ(transport.attempts(), 2);
  ASSERT_EQ(transport.sent().size(), 1u);
  EXPECT_EQ(transport.sent()[0].to[0].email, "b@example.org");
  EXPECT_TRUE(clock.sleeps().empty());
  EXPECT_EQ(sender.stats().failed, 1);
}

TEST(AsyncSender, AFullQueueIsResourceExhausted) {
  GatedTransport transport;
  FakeClock clock;
  AsyncSender sender(transport, {.max_queue = 2, .clock = &clock});
  ASSERT_TRUE(sender.Enqueue(To("inflight@example.org")));
  transport.WaitUntilEntered(1);  // the thread holds it: the queue is empty
  ASSERT_TRUE(sender.Enqueue(To("q1@example.org")));
  ASSERT_TRUE(sender.Enqueue(To("q2@example.org")));
  EXPECT_EQ(sender.stats().queued, 2u);
  Status full = sender.Enqueue(To("q3@example.org"));
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, ErrorCode::kResourceExhausted);
  transport.Release();
  sender.Flush();
  std::set<std::string> delivered;
  for (const Message& m : transport.recording().sent()) delivered.insert(m.to[0].email);
  EXPECT_EQ(delivered,
            (std::set<std::string>{"inflight@example.org", "q1@example.org", "q2@example.org"}));
  // Room again once drained.
  EXPECT_TRUE(sender.Enqueue(To("q3@example.org")));
  sender.Flush();
  EXPECT_EQ(transport.recording().sent().size(), 4u);
}

TEST(AsyncSender, RefusesInvalidMessagesAtOnce) {
  RecordingTransport transport;
  FakeClock clock;
  AsyncSender sender(transport, {.clock = &clock});
  Message m = To("a@example.org");
  m.subject = "x\nBcc: victim@example.org";
  Status s = sender.Enqueue(m);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  m = To("not an address");
  EXPECT_FALSE(sender.Enqueue(m));
  sender.Flush();
  EXPECT_EQ(transport.attempts(), 0);
}

TEST(AsyncSender, StopRefusesNewMessages) {
  RecordingTransport transport;
  FakeClock clock;
  AsyncSender sender(transport, {.clock = &clock});
  ASSERT_TRUE(sender.Enqueue(To("a@example.org")));
  sender.Flush();
  sender.Stop();
  sender.Stop();  // idempotent
  Status s = sender.Enqueue(To("b@example.org"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  sender.Flush();  // returns at once
  EXPECT_EQ(transport.sent().size(), 1u);
}

// With real time, Stop() cuts a back-off wait short: this would hang for an
// hour (and the test time out) if it did not.
TEST(AsyncSender, StopInterruptsARealBackoffWait) {
  GatedTransport gate;
  gate.recording().FailNext(1, Error{ErrorCode::kUnavailable, "451 later"});
  gate.Release();
  AsyncSender sender(gate, {.first_backoff = std::chrono::hours(1)});
  ASSERT_TRUE(sender.Enqueue(To("a@example.org")));
  gate.WaitUntilEntered(1);  // the first try has started; the wait follows
  sender.Stop();
  EXPECT_EQ(gate.recording().attempts(), 1);
  EXPECT_TRUE(gate.recording().sent().empty());
  EXPECT_EQ(sender.stats().failed, 1);
}

}  // namespace
}  // namespace paperpulse::mail
