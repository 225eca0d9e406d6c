#include "paperpulse/base/arxiv_id.h"

#include <cctype>
#include <cstdio>

#include "paperpulse/base/strings.h"

namespace paperpulse {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!IsDigit(c)) return false;
  return true;
}
int TwoDigits(std::string_view s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Strips "arXiv:", "oai:arXiv.org:" and arxiv.org abs/pdf URLs.
std::string_view StripPrefixes(std::string_view s) {
  static constexpr std::string_view kPrefixes[] = {"oai:arxiv.org:", "arxiv:"};
  for (auto p : kPrefixes) {
    if (StartsWithNoCase(s, p)) return s.substr(p.size());
  }
  for (std::string_view scheme : {"https://", "http://"}) {
    if (StartsWithNoCase(s, scheme)) {
      s.remove_prefix(scheme.size());
      break;
    }
  }
  for (std::string_view host : {"www.arxiv.org/", "export.arxiv.org/", "arxiv.org/"}) {
    if (StartsWithNoCase(s, host)) {
      s.remove_prefix(host.size());
      for (std::string_view kind : {"abs/", "pdf/"}) {
        if (StartsWithNoCase(s, kind)) {
          s.remove_prefix(kind.size());
          if (s.size() > 4 && s.substr(s.size() - 4) == ".pdf") s.remove_suffix(4);
          while (!s.empty() && s.back() == '/') s.remove_suffix(1);
          return s;
        }
      }
      return s;
    }
  }
  return s;
}

bool ValidYyMm(std::string_view yymm, bool old_style) {
  int yy = TwoDigits(yymm.substr(0, 2));
  int mm = TwoDigits(yymm.substr(2, 2));
  if (mm < 1 || mm > 12) return false;
  if (old_style) {
    // Old-style ids ran from 1991-08 to 2007-03.
    return yy >= 91 || yy <= 7;
  }
  // New-style ids started in 2007-04.
  return yy > 7 || (yy == 7 && mm >= 4);
}

bool ValidArchive(std::string_view a) {
  // Lower-case words joined by '-', e.g. "hep-th", "cond-mat", "q-bio".
  if (a.empty() || a.front() == '-' || a.back() == '-') return false;
  for (char c : a)
    if (!((c >= 'a' && c <= 'z') || c == '-')) return false;
  return true;
}

bool ValidSubject(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}

tl::unexpected<Error> Invalid(std::string_view input, std::string_view why) {
  std::string shown(input.substr(0, 120));
  return Fail(ErrorCode::kInvalidArgument, "invalid arXiv id \"" + shown +
                                               (input.size() > 120 ? "..." : "") +
                                               "\": " + std::string(why));
}

}  // namespace

std::string ArxivId::ToString() const {
  if (version <= 0) return base;
  return base + "v" + std::to_string(version);
}

int ArxivId::Year() const {
  std::string_view digits = base;
  if (auto slash = digits.find('/'); slash != std::string_view::npos) {
    digits.remove_prefix(slash + 1);
  }
  if (digits.size() < 4 || !AllDigits(digits.substr(0, 4))) return 0;
  int yy = TwoDigits(digits.substr(0, 2));
  return yy >= 91 ? 1900 + yy : 2000 + yy;
}

int ArxivId::Month() const {
  std::string_view digits = base;
  if (auto slash = digits.find('/'); slash != std::string_view::npos) {
    digits.remove_prefix(slash + 1);
  }
  if (digits.size() < 4 || !AllDigits(digits.substr(0, 4))) return 0;
  return TwoDigits(digits.substr(2, 2));
}

std::string ArxivIdOrderKey(const ArxivId& id) {
  std::string_view digits = id.base;
  if (auto slash = digits.find('/'); slash != std::string_view::npos) {
    digits.remove_prefix(slash + 1);
  }
  // The number: after the dot (new style) or after YYMM (old style), at
  // most 5 digits either way; padded so that 4- and 5-digit numbers compare.
  std::string_view number = digits.size() > 4 ? digits.substr(4) : std::string_view();
  if (!number.empty() && number.front() == '.') number.remove_prefix(1);
  char key[32];
  std::snprintf(key, sizeof key, "%04d%02d.%05d ", id.Year(), id.Month(),
                AllDigits(number) && number.size() <= 5 ? std::stoi(std::string(number)) : 0);
  return key + id.base;
}

Result<ArxivId> ParseArxivId(std::string_view input) {
  std::string_view s = TrimView(input);
  if (s.empty()) return Invalid(input, "empty");
  s = StripPrefixes(s);
  if (s.empty()) return Invalid(input, "nothing after the prefix");

  ArxivId id;
  // The version suffix is "v" + digits at the very end, and only counts when
  // what precedes it is a complete id (checked below by the shape tests).
  size_t end = s.size();
  size_t digits_start = end;
  while (digits_start > 0 && IsDigit(s[digits_start - 1])) --digits_start;
  std::string_view body = s;
  if (digits_start < end && digits_start > 0 &&
      (s[digits_start - 1] == 'v' || s[digits_start - 1] == 'V')) {
    std::string_view ver = s.substr(digits_start);
    if (ver.size() > 4) return Invalid(input, "version number too large");
    int v = 0;
    for (char c : ver) v = v * 10 + (c - '0');
    if (v < 1) return Invalid(input, "version must be v1 or later");
    id.version = v;
    body = s.substr(0, digits_start - 1);
  }

  if (auto slash = body.find('/'); slash != std::string_view::npos) {
    std::string_view left = body.substr(0, slash);
    std::string_view number = body.substr(slash + 1);
    std::string_view archive = left;
    if (auto dot = left.find('.'); dot != std::string_view::npos) {
      archive = left.substr(0, dot);
      if (!ValidSubject(left.substr(dot + 1))) return Invalid(input, "bad subject class");
    }
    if (!ValidArchive(archive)) return Invalid(input, "bad archive name");
    if (number.size() != 7 || !AllDigits(number)) {
      return Invalid(input, "old-style ids need 7 digits after the '/' (YYMMNNN)");
    }
    if (!ValidYyMm(number.substr(0, 4), /*old_style=*/true)) {
      return Invalid(input, "no old-style id has this year/month");
    }
    id.base = std::string(archive) + "/" + std::string(number);
    return id;
  }

  auto dot = body.find('.');
  if (dot != 4 || !AllDigits(body.substr(0, 4))) {
    return Invalid(input, "expected YYMM.NNNNN or archive/YYMMNNN");
  }
  std::string_view number = body.substr(5);
  if (!AllDigits(number)) return Invalid(input, "the number after the '.' must be digits");
  if (!ValidYyMm(body.substr(0, 4), /*old_style=*/false)) {
    return Invalid(input, "no new-style id has this year/month");
  }
  bool five = TwoDigits(body.substr(0, 2)) >= 15;
  if (number.size() != (five ? 5u : 4u)) {
    return Invalid(input, five ? "ids from 2015 on have 5 digits after the '.'"
                               : "ids before 2015 have 4 digits after the '.'");
  }
  id.base = std::string(body);
  return id;
}

Result<ArxivId> ParseMangledArxivId(std::string_view input) {
  std::string_view s = TrimView(input);
  auto dot = s.find('.');
  if (dot != std::string_view::npos && s.find('/') == std::string_view::npos && dot >= 3 &&
      dot <= 4 && AllDigits(s.substr(0, dot)) && AllDigits(s.substr(dot + 1))) {
    std::string fixed(s);
    if (dot == 3) fixed.insert(0, "0");
    bool five = TwoDigits(fixed) >= 15;
    size_t want = five ? 5 : 4;
    size_t have = fixed.size() - 5;
    if (have < want) fixed.append(want - have, '0');
    return ParseArxivId(fixed);
  }
  return ParseArxivId(input);
}

}  // namespace paperpulse
