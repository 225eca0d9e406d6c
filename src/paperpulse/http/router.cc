#include "paperpulse/http/router.h"

#include <algorithm>
#include <array>

#include "paperpulse/base/strings.h"

namespace paperpulse::http {
namespace {

struct Segment {
  bool is_param = false;
  bool is_rest = false;
  std::string_view name;    // parameter name
  std::string_view suffix;  // literal after the parameter ("{name}.atom")
  std::string_view literal;
};

Segment ParseSegment(std::string_view s) {
  Segment seg;
  if (s.empty() || s.front() != '{') {
    seg.literal = s;
    return seg;
  }
  size_t close = s.find('}');
  seg.is_param = true;
  seg.name = s.substr(1, close - 1);
  seg.suffix = s.substr(close + 1);
  if (EndsWith(seg.name, "...")) {
    seg.is_rest = true;
    seg.name.remove_suffix(3);
  }
  return seg;
}

bool MatchFrom(const std::vector<std::string>& pattern, size_t pi,
               const std::vector<std::string_view>& path, size_t si, PathParams& params) {
  if (pi == pattern.size()) return si == path.size();
  if (si == path.size()) return false;
  Segment seg = ParseSegment(pattern[pi]);
  if (!seg.is_param) {
    return path[si] == seg.literal && MatchFrom(pattern, pi + 1, path, si + 1, params);
  }
  size_t mark = params.size();
  // A rest parameter takes 1..n segments; try the longest first so that a
  // trailing literal ("/bibtex") still gets its chance by backtracking.
  size_t max_take = seg.is_rest ? path.size() - si : 1;
  for (size_t take = max_take; take >= 1; --take) {
    std::string value;
    for (size_t k = 0; k < take; ++k) {
      if (k) value.push_back('/');
      value.append(path[si + k]);
    }
    if (!seg.suffix.empty()) {
      if (!EndsWith(value, seg.suffix)) continue;
      value.resize(value.size() - seg.suffix.size());
    }
    if (value.empty()) continue;
    params.Add(std::string(seg.name), std::move(value));
    if (MatchFrom(pattern, pi + 1, path, si + take, params)) return true;
    params.Truncate(mark);
  }
  return false;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  if (path.empty()) return out;
  return Split(path, '/');
}

bool Takes(const Route& route, std::string_view method) {
  const auto& m = route.methods;
  if (std::find(m.begin(), m.end(), method) != m.end()) return true;
  return method == "HEAD" && std::find(m.begin(), m.end(), "GET") != m.end();
}

// Allow in the usual order (safe methods first); others after, as declared.
std::string AllowHeader(const std::vector<std::string_view>& declared) {
  std::vector<std::string_view> methods;
  for (std::string_view m : declared) {
    if (std::find(methods.begin(), methods.end(), m) == methods.end()) methods.push_back(m);
  }
  constexpr std::array<std::string_view, 6> kOrder = {"GET", "HEAD",  "POST",
                                                      "PUT", "PATCH", "DELETE"};
  auto rank = [&](std::string_view m) {
    return std::find(kOrder.begin(), kOrder.end(), m) - kOrder.begin();
  };
  std::stable_sort(methods.begin(), methods.end(),
                   [&](std::string_view a, std::string_view b) { return rank(a) < rank(b); });
  std::string out;
  for (std::string_view m : methods) {
    if (!out.empty()) out += ", ";
    out += m;
  }
  return out;
}

}  // namespace

std::string_view PathParams::Get(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (k == name) return v;
  }
  return {};
}

void Router::Add(Route route) {
  Compiled c;
  for (auto s : SplitPath(route.pattern)) c.segments.emplace_back(s);
  c.route = std::move(route);
  routes_.push_back(std::move(c));
}

std::vector<std::string> Router::Patterns() const {
  std::vector<std::string> out;
  out.reserve(routes_.size());
  for (const Compiled& c : routes_) out.push_back(c.route.pattern);
  return out;
}

RouteMatch Router::Match(std::string_view method, std::string_view path, PathParams& params) const {
  params.Clear();
  if (path.empty() || path.front() != '/') return {};
  std::vector<std::string_view> segments = SplitPath(path);
  std::vector<std::string_view> allowed;
  for (const Compiled& c : routes_) {
    params.Clear();
    if (!MatchFrom(c.segments, 0, segments, 0, params)) continue;
    if (Takes(c.route, method)) return {&c.route, {}};
    for (const std::string& m : c.route.methods) {
      allowed.push_back(m);
      if (m == "GET") allowed.push_back("HEAD");
    }
  }
  params.Clear();
  return {nullptr, AllowHeader(allowed)};
}

}  // namespace paperpulse::http
