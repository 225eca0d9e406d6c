#include "paperpulse/http/api/params.h"

#include <charconv>
#include <string>

namespace paperpulse::http {

Result<int64_t> IntParam(const Request& req, std::string_view key, int64_t fallback, int64_t min,
                         int64_t max) {
  std::string_view s = req.Param(key);
  if (s.empty()) return fallback;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < min || v > max) {
    std::string msg = "invalid ";
    msg += key;
    msg += ": expected an integer from ";
    msg += std::to_string(min);
    msg += " to ";
    msg += std::to_string(max);
    return Fail(ErrorCode::kInvalidArgument, std::move(msg));
  }
  return v;
}

}  // namespace paperpulse::http
