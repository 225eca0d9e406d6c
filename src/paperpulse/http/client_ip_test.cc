#include "paperpulse/http/client_ip.h"

#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

TrustedProxies Proxies(std::vector<std::string> cidrs) {
  auto p = TrustedProxies::Parse(cidrs);
  EXPECT_TRUE(p) << p.error().ToString();
  return p ? *p : TrustedProxies();
}

TEST(TrustedProxies, ParsesIpv4AndIpv6Ranges) {
  TrustedProxies p =
      Proxies({"10.0.0.0/8", "192.0.2.7", "fd00::/8", "2001:db8::1/128", "172.16.5.9/12"});
  EXPECT_TRUE(p.Contains("10.1.2.3"));
  EXPECT_TRUE(p.Contains("192.0.2.7"));
  EXPECT_FALSE(p.Contains("192.0.2.8"));
  EXPECT_TRUE(p.Contains("fd12:3456::1"));
  EXPECT_FALSE(p.Contains("fe80::1"));
  EXPECT_TRUE(p.Contains("2001:db8::1"));
  EXPECT_FALSE(p.Contains("2001:db8::2"));
  // Host bits of a range are ignored: 172.16.0.0/12 is meant.
  EXPECT_TRUE(p.Contains("172.31.255.255"));
  EXPECT_FALSE(p.Contains("172.32.0.0"));
  // A dual-stack socket shows IPv4 peers as IPv4-mapped IPv6.
  EXPECT_TRUE(p.Contains("::ffff:10.9.8.7"));
  EXPECT_FALSE(p.Contains("not an address"));
  EXPECT_FALSE(TrustedProxies().Contains("10.0.0.1"));
}

TEST(TrustedProxies, OddPrefixLengths) {
  TrustedProxies p = Proxies({"192.168.1.128/25", "0.0.0.0/0"});
  EXPECT_TRUE(p.Contains("8.8.8.8"));  // /0 is everything (of IPv4)
  EXPECT_FALSE(p.Contains("2001:db8::1"));
  TrustedProxies q = Proxies({"192.168.1.128/25"});
  EXPECT_TRUE(q.Contains("192.168.1.200"));
  EXPECT_FALSE(q.Contains("192.168.1.127"));
}

TEST(TrustedProxies, RejectsMalformedRanges) {
  for (const char* bad :
       {"", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/8x", "10.0.0.0/-1", "10.0.0/8",
        "example.org", "10.0.0.1:80", "[::1]/128", "::1%lo"}) {
    auto p = TrustedProxies::Parse({bad});
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(ClientIp, PeerWhenNoProxyIsTrusted) {
  TrustedProxies none;
  EXPECT_EQ(none.ClientIp("127.0.0.1", "203.0.113.7"), "127.0.0.1");
}

TEST(ClientIp, ForwardedForOnlyFromTrustedPeers) {
  TrustedProxies p = Proxies({"127.0.0.1/32", "10.0.0.0/8"});
  EXPECT_EQ(p.ClientIp("127.0.0.1", "203.0.113.7"), "203.0.113.7");
  // A peer outside the ranges may say what it likes: it is the client.
  EXPECT_EQ(p.ClientIp("198.51.100.1", "203.0.113.7"), "198.51.100.1");
  // No header from a trusted proxy: the proxy is all we know.
  EXPECT_EQ(p.ClientIp("127.0.0.1", ""), "127.0.0.1");
}

TEST(ClientIp, RightMostUntrustedHopWins) {
  TrustedProxies p = Proxies({"127.0.0.1/32", "10.0.0.0/8"});
  // The client forged "1.2.3.4"; our proxies appended what they saw.
  EXPECT_EQ(p.ClientIp("127.0.0.1", "1.2.3.4, 203.0.113.7, 10.0.0.5"), "203.0.113.7");
  // Several headers are one list, joined in order.
  EXPECT_EQ(p.ClientIp("127.0.0.1", "1.2.3.4,203.0.113.7,10.0.0.5,10.0.0.6"), "203.0.113.7");
  // All hops trusted: the left-most is as far as we can see.
  EXPECT_EQ(p.ClientIp("127.0.0.1", "10.0.0.9, 10.0.0.5"), "10.0.0.9");
  // Empty list items are skipped.
  EXPECT_EQ(p.ClientIp("127.0.0.1", "203.0.113.7, , "), "203.0.113.7");
}

TEST(ClientIp, AddressFormsAreNormalised) {
  TrustedProxies p = Proxies({"::1/128", "127.0.0.0/8"});
  EXPECT_EQ(p.ClientIp("::1", "[2001:DB8::7]:443"), "2001:db8::7");
  EXPECT_EQ(p.ClientIp("::1", "203.0.113.7:5678"), "203.0.113.7");
  EXPECT_EQ(p.ClientIp("::ffff:127.0.0.1", "2001:db8:0:0::9"), "2001:db8::9");
  EXPECT_EQ(p.ClientIp("::ffff:127.0.0.1", ""), "127.0.0.1");
}

TEST(ClientIp, GarbageWhereTheClientShouldBeMeansThePeer) {
  TrustedProxies p = Proxies({"127.0.0.1/32"});
  EXPECT_EQ(p.ClientIp("127.0.0.1", "unknown"), "127.0.0.1");
  EXPECT_EQ(p.ClientIp("127.0.0.1", "203.0.113.7, <script>"), "127.0.0.1");
  // Left of the first untrusted hop nothing is read, garbage or not.
  EXPECT_EQ(p.ClientIp("127.0.0.1", "garbage, 203.0.113.7"), "203.0.113.7");
}

}  // namespace
}  // namespace paperpulse::http
