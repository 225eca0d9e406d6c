#include "paperpulse/http/entity.h"

#include <cstdio>
#include <functional>

#include "paperpulse/base/strings.h"
#include "paperpulse/http/gzip.h"
#include "paperpulse/http/http_date.h"

namespace paperpulse::http {
namespace {

constexpr size_t kMinGzipSize = 256;

// True when the If-None-Match list names `etag` or is "*". The gzip variant
// carries the same tag with a "-gz" suffix; either matches (RFC 9110 weak
// comparison), because both encode the same representation.
bool EtagMatches(std::string_view header, std::string_view etag) {
  std::string_view bare = etag.substr(1, etag.size() - 2);  // without quotes
  for (std::string_view item : Split(header, ',')) {
    item = TrimView(item);
    if (item == "*") return true;
    if (StartsWith(item, "W/")) item.remove_prefix(2);
    if (item.size() < 2 || item.front() != '"' || item.back() != '"') continue;
    item = item.substr(1, item.size() - 2);
    if (item == bare) return true;
    if (EndsWith(item, "-gz") && item.substr(0, item.size() - 3) == bare) return true;
  }
  return false;
}

}  // namespace

std::shared_ptr<const Entity> MakeEntity(Response response, int64_t now) {
  auto entity = std::make_shared<Entity>();
  // Validators only describe successful representations: an error is
  // never revalidated (Deliver answers 304 only for 200 either).
  if (response.etag.empty() && response.status == 200) {
    // std::hash of a string_view is a 64-bit MurmurHash in libstdc++: fast,
    // and stable across restarts of the same binary, which is what an ETag needs.
    char buf[24];
    std::snprintf(buf, sizeof buf, "\"%016zx\"",
                  std::hash<std::string_view>{}(response.body.view()));
    response.etag = buf;
  }
  if (response.last_modified == 0 && response.status == 200) response.last_modified = now;
  entity->compressible = IsCompressible(response.content_type);
  if (entity->compressible && response.body.size() >= kMinGzipSize) {
    if (auto gz = Gzip(response.body.view()); gz && gz->size() < response.body.size()) {
      entity->gzip_body = Body(std::move(*gz));
    }
  }
  entity->response = std::move(response);
  return entity;
}

Response Deliver(const Entity& entity, const Request& request) {
  const Response& base = entity.response;
  bool not_modified = false;
  if (base.status == 200) {
    if (!request.if_none_match.empty()) {
      not_modified = EtagMatches(request.if_none_match, base.etag);
    } else if (!request.if_modified_since.empty()) {
      auto since = ParseHttpDate(request.if_modified_since);
      not_modified = since && base.last_modified <= *since;
    }
  }
  Response out;
  out.status = not_modified ? 304 : base.status;
  out.content_type = base.content_type;
  out.cache = base.cache;
  out.last_modified = base.last_modified;
  out.headers = base.headers;
  if (entity.compressible) out.headers.emplace_back("Vary", "Accept-Encoding");
  bool gzip = !entity.gzip_body.empty() && AcceptsGzip(request.accept_encoding);
  out.etag = base.etag;
  if (gzip && !out.etag.empty()) out.etag.insert(out.etag.size() - 1, "-gz");
  if (not_modified) return out;
  if (gzip) {
    out.body = entity.gzip_body;
    out.gzipped = true;
  } else {
    out.body = base.body;
  }
  return out;
}

}  // namespace paperpulse::http
