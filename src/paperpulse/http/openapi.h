// GET /openapi.json: the OpenAPI 3.1 document of the HTTP API. The document
// is openapi.json beside this file, written by hand and compiled into the
// binary; openapi_test.cc checks it against the App's routes, and the
// integration tests validate every API answer against it
// (tests/tools/pp_openapi.py).
#pragma once

#include <cstdint>
#include <string_view>

#include "paperpulse/http/router.h"

namespace paperpulse::http {

// The document's bytes, exactly as checked in. Static storage.
std::string_view OpenApiDocument();

// Adds GET (and HEAD) /openapi.json to `router`: the document as
// application/json, prepared once (strong ETag, gzip variant) with
// Last-Modified `now` (Unix seconds, the server's start), answered on the
// I/O threads. Clients keep it and revalidate (a new release may change it);
// it may be read from any origin, as API documentation tools do.
void AddOpenApiRoute(Router& router, int64_t now);

}  // namespace paperpulse::http
