// HTTP dates (RFC 9110 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/base/clock.h"

namespace paperpulse::http {

// `unix_seconds` as an IMF-fixdate.
std::string FormatHttpDate(int64_t unix_seconds);

// `clock`'s wall time as an IMF-fixdate; formatted at most once a second
// per thread.
const std::string& HttpDateNow(Clock& clock);

// Parses an IMF-fixdate; nullopt for anything else (the obsolete RFC 850 and
// asctime forms are not accepted: a conditional request with them is simply
// answered in full).
std::optional<int64_t> ParseHttpDate(std::string_view s);

}  // namespace paperpulse::http
