#include "paperpulse/mail/recording_transport.h"

#include <gtest/gtest.h>

namespace paperpulse::mail {
namespace {

Message To(std::string email) {
  Message m;
  m.from = {"noreply@example.org", ""};
  m.to = {{std::move(email), ""}};
  m.subject = "hello";
  m.text = "body";
  return m;
}

TEST(RecordingTransport, KeepsSentMessagesInOrder) {
  RecordingTransport transport;
  ASSERT_TRUE(transport.Send(To("a@example.org")));
  ASSERT_TRUE(transport.Send(To("b@example.org")));
  std::vector<Message> sent = transport.sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].to[0].email, "a@example.org");
  EXPECT_EQ(sent[1].to[0].email, "b@example.org");
  EXPECT_EQ(transport.attempts(), 2);
}

TEST(RecordingTransport, FailsAsToldThenRecovers) {
  RecordingTransport transport;
  transport.FailNext(2, Error{ErrorCode::kUnavailable, "451 try later"});
  for (int i = 0; i < 2; ++i) {
    Status s = transport.Send(To("a@example.org"));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(s.error().message, "451 try later");
  }
  EXPECT_TRUE(transport.Send(To("a@example.org")));
  EXPECT_EQ(transport.sent().size(), 1u);
  EXPECT_EQ(transport.attempts(), 3);
}

TEST(RecordingTransport, RefusesWhatCannotBeComposed) {
  RecordingTransport transport;
  Message m = To("a@example.org");
  m.subject = "x\r\nBcc: b@example.org";
  Status s = transport.Send(m);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(transport.sent().empty());
  EXPECT_EQ(transport.attempts(), 1);
}

}  // namespace
}  // namespace paperpulse::mail
