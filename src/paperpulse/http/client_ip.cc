#include "paperpulse/http/client_ip.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "paperpulse/base/strings.h"

namespace paperpulse::http {

std::optional<TrustedProxies::Address> TrustedProxies::ParseAddress(std::string_view text) {
  text = TrimView(text);
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    text = text.substr(1, close - 1);
  } else if (size_t colon = text.find(':'); colon != std::string_view::npos &&
                                            text.find(':', colon + 1) == std::string_view::npos) {
    text = text.substr(0, colon);  // "192.0.2.1:5678": one colon is a port, not IPv6
  }
  if (size_t zone = text.find('%'); zone != std::string_view::npos) text = text.substr(0, zone);
  return ParsePlain(text);
}

std::optional<TrustedProxies::Address> TrustedProxies::ParsePlain(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  Address a;
  if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
    a.v4 = true;
    return a;
  }
  if (inet_pton(AF_INET6, buf, a.bytes.data()) != 1) return std::nullopt;
  // ::ffff:a.b.c.d is how a dual-stack socket shows an IPv4 peer.
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a.bytes.data(), kMapped, sizeof kMapped) == 0) {
    std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
    std::memset(a.bytes.data() + 4, 0, 12);
    a.v4 = true;
  }
  return a;
}

std::string TrustedProxies::Format(const Address& a) {
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(a.v4 ? AF_INET : AF_INET6, a.bytes.data(), buf, sizeof buf) == nullptr) return {};
  return buf;
}

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& cidrs) {
  TrustedProxies out;
  for (const std::string& cidr : cidrs) {
    auto bad = [&] {
      return Fail(ErrorCode::kInvalidArgument, "bad trusted proxy range \"" + cidr +
                                                   "\": want CIDR such as 10.0.0.0/8 or fd00::/8");
    };
    std::string_view text = TrimView(cidr);
    size_t slash = text.find('/');
    auto addr = ParsePlain(text.substr(0, slash));
    if (!addr) return bad();
    int max_bits = addr->v4 ? 32 : 128;
    int bits = max_bits;
    if (slash != std::string_view::npos) {
      std::string_view b = text.substr(slash + 1);
      auto [end, ec] = std::from_chars(b.data(), b.data() + b.size(), bits);
      if (b.empty() || ec != std::errc() || end != b.data() + b.size() || bits < 0 ||
          bits > max_bits) {
        return bad();
      }
    }
    out.ranges_.push_back({*addr, bits});
  }
  return out;
}

bool TrustedProxies::Contains(const Address& a) const {
  for (const Range& r : ranges_) {
    if (r.base.v4 != a.v4) continue;
    int full = r.bits / 8, rest = r.bits % 8;
    if (std::memcmp(r.base.bytes.data(), a.bytes.data(), full) != 0) continue;
    if (rest != 0) {
      uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
      if ((r.base.bytes[full] & mask) != (a.bytes[full] & mask)) continue;
    }
    return true;
  }
  return false;
}

bool TrustedProxies::Contains(std::string_view address) const {
  auto a = ParseAddress(address);
  return a && Contains(*a);
}

std::string TrustedProxies::ClientIp(std::string_view peer, std::string_view forwarded_for) const {
  auto peer_addr = ParseAddress(peer);
  std::string peer_text = peer_addr ? Format(*peer_addr) : std::string(peer);
  if (ranges_.empty() || !peer_addr || !Contains(*peer_addr)) return peer_text;
  std::vector<std::string_view> hops = Split(forwarded_for, ',');
  std::optional<Address> client;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (TrimView(*it).empty()) continue;
    auto hop = ParseAddress(*it);
    if (!hop) return peer_text;  // garbage where the client should be: believe nothing
    client = hop;
    if (!Contains(*hop)) break;
  }
  return client ? Format(*client) : peer_text;
}

}  // namespace paperpulse::http
