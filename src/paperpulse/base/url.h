// The one check for links that come from outside (HF files, arXiv metadata,
// users) before they reach an href attribute, the JSON API or a mail.
#pragma once

#include <cstddef>
#include <string_view>

namespace paperpulse {

// Longer links are refused: real project pages and repositories are a few
// hundred bytes at most.
inline constexpr size_t kMaxHttpUrlBytes = 2048;

// True for an absolute http:// or https:// URL (RFC 3986 URI, scheme
// compared case-insensitively) with a non-empty host, no userinfo
// ("https://user@host/" is a phishing shape), at most kMaxHttpUrlBytes, and
// only printable ASCII without quotes, angle brackets, backslashes or other
// characters RFC 3986 does not allow. A fragment ("https://x.io/#top") is
// allowed. Leading or trailing white space makes the URL invalid: callers
// trim first when their source pads values.
bool IsHttpUrl(std::string_view s);

}  // namespace paperpulse
