#include "paperpulse/http/router.h"

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

const Route* Router::Match(std::string_view path, PathParams& params) const {
  std::vector<std::string_view> segments = SplitPath(path);
  if (path.empty() || path.front() != '/') return nullptr;
  for (const Compiled& c : routes_) {
    params.Clear();
    if (MatchFrom(c.segments, 0, segments, 0, params)) return &c.route;
  }
  params.Clear();
  return nullptr;
}

}  // namespace paperpulse::http
