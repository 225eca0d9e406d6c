// Requests as the server would hand them to the App, for unit tests that
// call App::Handle directly.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "paperpulse/http/message.h"

namespace paperpulse::http::testing {

// `method` `target` ("/path?a=1&b=2", query split, not decoded) from
// `client_ip`, with `headers` (lower-case names).
Request MakeRequest(std::string method, std::string target,
                    std::vector<std::pair<std::string, std::string>> headers = {},
                    std::string client_ip = "127.0.0.1");

}  // namespace paperpulse::http::testing
