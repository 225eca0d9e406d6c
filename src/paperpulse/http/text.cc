#include "paperpulse/http/text.h"

#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"

namespace paperpulse::http {

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string WithQuery(std::string_view path,
                      std::initializer_list<std::pair<std::string_view, std::string_view>> params) {
  std::string out(path);
  char sep = '?';
  for (auto [k, v] : params) {
    if (v.empty()) continue;
    out += sep;
    out += k;
    out += '=';
    out += UrlEncode(v);
    sep = '&';
  }
  return out;
}

std::string CleanText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    size_t bad = FirstInvalidUtf8(s);
    std::string_view good = s.substr(0, bad);
    for (char c : good) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 && c != '\t' && c != '\n') continue;
      if (u == 0x7F) continue;
      out.push_back(c);
    }
    if (bad == std::string_view::npos) break;
    out += "\xEF\xBF\xBD";  // U+FFFD
    s.remove_prefix(bad + 1);
  }
  return out;
}

std::string Excerpt(std::string_view text, size_t max_bytes) {
  text = TrimView(text);
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  size_t space = text.rfind(' ', cut);
  if (space != std::string_view::npos && space > max_bytes / 2) cut = space;
  std::string_view head = text.substr(0, cut);
  // An odd number of unescaped '$' means a math span is open: cut before it.
  size_t dollars = 0, last = std::string_view::npos;
  for (size_t i = 0; i < head.size(); ++i) {
    if (head[i] == '$' && (i == 0 || head[i - 1] != '\\')) {
      ++dollars;
      last = i;
    }
  }
  if (dollars % 2 == 1) head = head.substr(0, last);
  std::string out(TrimView(head));
  while (!out.empty() && (out.back() == ',' || out.back() == ';' || out.back() == ':')) {
    out.pop_back();
  }
  out += "\xE2\x80\xA6";  // …
  return out;
}

std::string ShortAuthorList(const std::vector<std::string>& authors, size_t max) {
  std::string out;
  for (size_t i = 0; i < authors.size() && i < max; ++i) {
    if (i) out += ", ";
    out += authors[i];
  }
  if (authors.size() > max) out += " et al.";
  return out;
}

std::string DisplayDate(std::string_view s) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto d = ParseIsoDate(s.substr(0, 10));
  if (!d || s.size() < 10) return std::string(s);
  std::string out = kMonths[d->month - 1];
  out += ' ';
  out += std::to_string(d->day);
  out += ", ";
  out += std::to_string(d->year);
  return out;
}

}  // namespace paperpulse::http
