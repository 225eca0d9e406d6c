// Request bodies and small request-derived values of the web layer: JSON and
// form bodies (http/body.h) and what handlers read from them, multipart
// uploads (http/multipart.h), the Cookie header (Request::Cookie, used by
// http/auth), X-Forwarded-For behind trusted proxies (http/client_ip.h),
// tag lists, comment ids and days of the URL space.
//
// Input: a header value, "\\" and one byte, then the body (the layout of
// FuzzedDataProvider::ConsumeRandomLengthString).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "paperpulse/http/api/params.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/client_ip.h"
#include "paperpulse/http/comments.h"
#include "paperpulse/http/daily.h"
#include "paperpulse/http/library.h"
#include "paperpulse/http/message.h"
#include "paperpulse/http/multipart.h"
#include "paperpulse/http/subscriptions.h"

namespace {

using namespace paperpulse;
using namespace paperpulse::http;

void ReadFields(const Fields& f) {
  for (std::string_view key : {"email", "title", "tags", "note", "csrf_token", "public", "limit",
                               "query", "categories", "frequency", "body", "name", ""}) {
    (void)f.Has(key);
    (void)f.Get(key);
    (void)f.GetInt(key, 7);
    (void)f.GetBool(key, true);
    (void)f.GetList(key);
  }
  (void)ParseNewSubscription(f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  std::string header = in.ConsumeRandomLengthString(1024);
  std::string body = in.ConsumeRemainingBytesAsString();

  if (auto f = ParseJsonBody(body)) ReadFields(*f);
  if (auto f = ParseFormBody(body)) ReadFields(*f);
  Request req;
  req.method = "POST";
  req.target = req.path = "/api/x";
  req.headers.emplace_back("content-type", header);
  req.headers.emplace_back("cookie", body);
  req.body = body;
  if (auto f = ParseBody(req)) ReadFields(*f);
  (void)req.Cookie(kSessionCookie);
  (void)req.Cookie(header);
  (void)req.IsPersonal();

  if (auto parts = ParseMultipart(header, body, MultipartLimits{4, 512, 4096})) {
    PP_FUZZ_CHECK(parts->size() <= 4);
    for (const auto& p : *parts) PP_FUZZ_CHECK(p.data.size() <= 4096);
    (void)FindPart(*parts, "file");
  }

  if (auto proxies = TrustedProxies::Parse({"10.0.0.0/8", "::1/128", header})) {
    std::string ip = proxies->ClientIp("10.1.2.3", body);
    PP_FUZZ_CHECK(!ip.empty());
    (void)proxies->Contains(body);
  }

  (void)ParseTagText(body);
  (void)ParseCommentId(header);
  (void)ParseDay(header);
  req.query.emplace("limit", header);
  (void)IntParam(req, "limit", 20, 1, 120);
  return 0;
}
