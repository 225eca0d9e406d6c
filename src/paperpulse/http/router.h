// Maps request paths to handlers by pattern. A pattern is a path whose
// segments are literals, "{name}" (one segment), "{name...}" (one or more
// segments, for old-style arXiv ids such as hep-th/9901001 and for names),
// or a parameter followed by a literal suffix ("{name}.atom"). Routes are
// tried in the order they were added; the first match wins, so add specific
// routes ("/papers/trending") before general ones ("/papers/{id...}").
//
// Routes are declared with the methods they take. Several routes may share
// a pattern with different methods (POST and DELETE /api/papers/{id}/upvote);
// a path that some route matches, but none with the request's method, gets
// what Allow should list, so the App answers 405 instead of 404.
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
  // Answers to GET and HEAD may be kept in the App's response cache (shared
  // by every anonymous client). Answers to other methods never are.
  bool cacheable = true;
  // The methods the route takes, upper case. A route taking GET also
  // answers HEAD (the server drops the body).
  std::vector<std::string> methods = {"GET"};
  // The handler never blocks (no Store, no index, no network, no lock held
  // for long): the App may run it on an I/O thread, skipping the worker pool.
  bool nonblocking = false;
  // For a route whose answer depends on more than the target (content
  // negotiation on a request header, which the answer names in Vary): the
  // representation `request` gets, "" for the default one. The App's
  // response cache keeps one answer per target and variant. Must be cheap
  // and never block.
  std::function<std::string(const Request&)> variant = {};
};

// What Router::Match found.
struct RouteMatch {
  // The first route whose pattern matches the path and that takes the
  // method; nullptr when there is none.
  const Route* route = nullptr;
  // When `route` is nullptr but some route's pattern matches the path: the
  // methods those routes take, as Allow lists them ("GET, HEAD, POST").
  // Empty when no pattern matches at all (404).
  std::string allow;
};

class Router {
 public:
  // Adds a route. Precondition: `route.pattern` starts with '/'.
  void Add(Route route);

  // The first route whose pattern matches `path` (already percent-decoded)
  // and that takes `method` ("GET", "POST", ...), filling `params` from its
  // pattern; see RouteMatch for what comes back when there is none (then
  // `params` is empty).
  RouteMatch Match(std::string_view method, std::string_view path, PathParams& params) const;

  // Every route's pattern, in the order added (for checks that the API
  // description covers every route).
  std::vector<std::string> Patterns() const;

 private:
  struct Compiled {
    Route route;
    std::vector<std::string> segments;
  };
  std::vector<Compiled> routes_;
};

}  // namespace paperpulse::http
