#include "paperpulse/http/request_test_util.h"

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

}  // namespace paperpulse::http::testing
