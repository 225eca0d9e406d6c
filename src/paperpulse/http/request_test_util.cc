#include "paperpulse/http/request_test_util.h"

#include <chrono>

#include "paperpulse/base/strings.h"

namespace paperpulse::http::testing {

Request MakeRequest(std::string method, std::string target,
                    std::vector<std::pair<std::string, std::string>> headers,
                    std::string client_ip) {
  Request r;
  r.method = std::move(method);
  r.target = target;
  r.path = target.substr(0, target.find('?'));
  if (size_t q = target.find('?'); q != std::string::npos) {
    for (std::string_view kv : Split(std::string_view(target).substr(q + 1), '&')) {
      size_t eq = kv.find('=');
      r.query.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
  }
  r.headers = std::move(headers);
  r.remote = r.client_ip = std::move(client_ip);
  return r;
}

Request RequestWithBody(std::string method, std::string target, std::string body,
                        std::string content_type,
                        std::vector<std::pair<std::string, std::string>> headers) {
  if (!body.empty()) headers.emplace_back("content-type", std::move(content_type));
  Request r = MakeRequest(std::move(method), std::move(target), std::move(headers), "192.0.2.1");
  r.body = std::move(body);
  return r;
}

AppOptions TestAppOptions(const storage::StoreOptions& store, Clock* clock) {
  AppOptions o;
  o.store = store;
  o.base_url = "http://pp.test";
  o.cache_ttl = std::chrono::milliseconds(0);
  o.content_poll = std::chrono::milliseconds(0);
  o.clock = clock;
  o.access_log = false;
  return o;
}

std::string Body(const Response& r) { return std::string(r.body.view()); }

std::string Header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

}  // namespace paperpulse::http::testing
