// Who the client is when paperpulse runs behind a reverse proxy (nginx): the
// proxy's X-Forwarded-For names the client, but anybody can send that
// header, so it is believed only from peers in the trusted ranges
// (`serve --trusted-proxy CIDR`). Rate limits and the access log use the
// result (Request::client_ip).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"

namespace paperpulse::http {

class TrustedProxies {
 public:
  // No trusted proxy: X-Forwarded-For is ignored.
  TrustedProxies() = default;

  // Parses CIDR ranges, IPv4 or IPv6 ("10.0.0.0/8", "fd00::/8"); a bare
  // address is a range of one. Host bits below the prefix are ignored.
  // Errors: kInvalidArgument naming the first malformed entry.
  static Result<TrustedProxies> Parse(const std::vector<std::string>& cidrs);

  bool empty() const { return ranges_.empty(); }

  // True when `address` (IPv4, IPv6, or IPv4-mapped IPv6, which counts as
  // IPv4) lies in one of the ranges; false when it is not an address.
  bool Contains(std::string_view address) const;

  // The client of a request that came from `peer` carrying the
  // X-Forwarded-For values `forwarded_for` (every such header's value in
  // order, joined with ','). When `peer` is a trusted proxy: the right-most
  // address of the list that is not itself a trusted proxy (each proxy
  // appends the address it got the request from, so only the part right of
  // the first untrusted hop is trustworthy); the left-most when all are
  // trusted. Otherwise, or when that entry is not an address, `peer`.
  // Addresses come back in canonical text form ("::ffff:10.0.0.1" as
  // "10.0.0.1"; "[2001:db8::1]:443" as "2001:db8::1").
  std::string ClientIp(std::string_view peer, std::string_view forwarded_for) const;

 private:
  struct Address {
    std::array<uint8_t, 16> bytes{};
    bool v4 = false;  // the first 4 bytes hold it
  };
  struct Range {
    Address base;
    int bits = 0;
  };

  // Parses one bare address (no port, brackets or zone).
  static std::optional<Address> ParsePlain(std::string_view text);
  // Parses one address as X-Forwarded-For may carry it (optionally with a
  // port, IPv6 in brackets, an IPv6 zone).
  static std::optional<Address> ParseAddress(std::string_view text);
  static std::string Format(const Address& a);
  bool Contains(const Address& a) const;

  std::vector<Range> ranges_;
};

}  // namespace paperpulse::http
