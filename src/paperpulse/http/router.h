// Maps request paths to handlers by pattern. A pattern is a path whose
// segments are literals, "{name}" (one segment), "{name...}" (one or more
// segments, for old-style arXiv ids such as hep-th/9901001 and for names),
// or a parameter followed by a literal suffix ("{name}.atom"). Routes are
// tried in the order they were added; the first match wins, so add specific
// routes ("/papers/trending") before general ones ("/papers/{id...}").
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "paperpulse/http/message.h"

namespace paperpulse::http {

// Values of the pattern's parameters, decoded, in pattern order.
class PathParams {
 public:
  // The value of `name`, or "" when the pattern has no such parameter.
  std::string_view Get(std::string_view name) const;
  void Add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
  }
  void Clear() { items_.clear(); }
  size_t size() const { return items_.size(); }
  void Truncate(size_t n) { items_.resize(n); }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

using RouteHandler = std::function<Response(const Request&, const PathParams&)>;

struct Route {
  std::string name;  // stable label for metrics and logs ("daily_papers_api")
  std::string pattern;
  RouteHandler handler;
  // Responses may be kept in the server's response cache.
  bool cacheable = true;
};

class Router {
 public:
  // Adds a route. Precondition: `route.pattern` starts with '/'.
  void Add(Route route);

  // The first route whose pattern matches `path` (already percent-decoded),
  // filling `params`; nullptr when none does.
  const Route* Match(std::string_view path, PathParams& params) const;

 private:
  struct Compiled {
    Route route;
    std::vector<std::string> segments;
  };
  std::vector<Compiled> routes_;
};

}  // namespace paperpulse::http
