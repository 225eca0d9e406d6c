// gzip (RFC 1952) compression of response bodies with zlib.
#pragma once

#include <string>
#include <string_view>

#include "paperpulse/base/result.h"

namespace paperpulse::http {

// `data` gzip-compressed at zlib level `level` (1..9). Errors: kInternal when
// zlib fails (out of memory).
Result<std::string> Gzip(std::string_view data, int level = 6);

// True when the client's Accept-Encoding header allows gzip (a "gzip" or "*"
// coding whose q-value is not 0).
bool AcceptsGzip(std::string_view accept_encoding);

// True for media types worth compressing (text, JSON, XML, JS, SVG, TTF).
bool IsCompressible(std::string_view content_type);

}  // namespace paperpulse::http
