// Query parameter parsing shared by the API, pages and feeds.
#pragma once

#include <cstdint>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/http/message.h"

namespace paperpulse::http {

// The integer query parameter `key` of `req`: `fallback` when absent or
// empty. Errors: kInvalidArgument when it is not an integer in [min, max].
Result<int64_t> IntParam(const Request& req, std::string_view key, int64_t fallback, int64_t min,
                         int64_t max);

}  // namespace paperpulse::http
