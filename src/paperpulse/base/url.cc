#include "paperpulse/base/url.h"

#include <boost/url/parse.hpp>

namespace paperpulse {
namespace {

// A reg-name host as DNS has it: letters, digits, '-', '.' and the '_' some
// real hosts carry. Boost.URL would also accept percent-encodings and
// sub-delims ("a!b$c"), which no web host has.
bool IsHostName(std::string_view host) {
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool IsHttpUrl(std::string_view s) {
  if (s.empty() || s.size() > kMaxHttpUrlBytes) return false;
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    // Controls, space, DEL and non-ASCII first (a URL from a page's source
    // is ASCII; IRIs arrive percent-encoded), then what could end an HTML
    // attribute or a quoted string even where RFC 3986 allows it ('). The
    // parser below refuses the rest of what RFC 3986 leaves out (" < > \ ^
    // ` { | }).
    if (b <= 0x20 || b >= 0x7F || c == '\'' || c == '"' || c == '<' || c == '>' || c == '\\') {
      return false;
    }
  }
  // parse_uri, not parse_absolute_uri: project pages often end in "#" or
  // "#section", and RFC 3986's absolute-URI (§4.3) has no fragment.
  auto url = boost::urls::parse_uri(s);
  if (!url) return false;
  // scheme_id() compares case-insensitively, as RFC 3986 §3.1 says schemes do.
  if (url->scheme_id() != boost::urls::scheme::http &&
      url->scheme_id() != boost::urls::scheme::https) {
    return false;
  }
  if (!url->has_authority() || url->has_userinfo()) return false;
  std::string_view host = url->encoded_host();
  if (host.empty()) return false;
  if (url->host_type() == boost::urls::host_type::name && !IsHostName(host)) return false;
  return true;
}

}  // namespace paperpulse
