// Entities: responses prepared once and delivered many times. Preparing
// computes the ETag and, for compressible types, the gzip variant; delivering
// answers conditional requests (304) and picks the encoding per request.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "paperpulse/http/message.h"

namespace paperpulse::http {

struct Entity {
  Response response;  // identity-encoded, with etag and last_modified set
  Body gzip_body;     // empty when not compressible or not worth it
  bool compressible = false;
};

// Prepares `response` for delivery: a strong ETag over the body, gzip when
// the type is compressible and the body at least 256 bytes, and
// Last-Modified = `now` unless the response carries its own.
std::shared_ptr<const Entity> MakeEntity(Response response, int64_t now);

// The response to send for `request`: 304 when If-None-Match (or, without
// it, If-Modified-Since) shows the client's copy is current, else the gzip
// variant when the client accepts it, else the identity body.
Response Deliver(const Entity& entity, const Request& request);

}  // namespace paperpulse::http
