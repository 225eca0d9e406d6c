// Requests as the server would hand them to the App, for unit tests that
// call App::Handle directly.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "paperpulse/base/clock.h"
#include "paperpulse/http/app.h"
#include "paperpulse/http/message.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::http::testing {

// `method` `target` ("/path?a=1&b=2", query split, not decoded) from
// `client_ip`, with `headers` (lower-case names).
Request MakeRequest(std::string method, std::string target,
                    std::vector<std::pair<std::string, std::string>> headers = {},
                    std::string client_ip = "127.0.0.1");

// MakeRequest from 192.0.2.1 (a documentation address, RFC 5737) with
// `body` and, when that is not empty, a "content-type" header of
// `content_type`.
Request RequestWithBody(std::string method, std::string target, std::string body = "",
                        std::string content_type = "application/json",
                        std::vector<std::pair<std::string, std::string>> headers = {});

// AppOptions for a unit test of the App on the database of `store`: base
// URL http://pp.test, time from `clock` (borrowed), no response caching, no
// polling for content changes, no access log.
AppOptions TestAppOptions(const storage::StoreOptions& store, Clock* clock);

// The body of `r`.
std::string Body(const Response& r);

// The value of `r`'s first header `name` (spelled as the App writes it), or
// "" when it has none.
std::string Header(const Response& r, std::string_view name);

}  // namespace paperpulse::http::testing
