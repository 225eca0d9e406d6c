// The access log: one logfmt line per request on stderr, in the layout of
// the rest of the log ("2026-06-30T08:00:00.123Z info access remote=..."),
// written with a single write(2) per line so lines from different threads
// never interleave. Cheaper than a general logger on the hot path: no lock,
// no pattern parsing, one syscall.
#pragma once

#include <string_view>

#include "paperpulse/base/clock.h"

namespace paperpulse::http {

struct AccessRecord {
  std::string_view remote;
  std::string_view method;
  std::string_view target;  // as sent; quoted and escaped in the line
  std::string_view route;
  int status = 0;
  size_t bytes = 0;
  bool gzip = false;
  double ms = 0;
  Clock::WallTime time;  // when the request was answered
};

// Writes the line for `r`. Thread-safe; errors writing are ignored (a full
// disk must not stop the server).
void WriteAccessLine(const AccessRecord& r);

// Writes "<time> info access <fields>" for events without a route (requests
// rejected by the server before any handler ran). Thread-safe.
void WriteAccessEvent(Clock::WallTime time, std::string_view fields);

}  // namespace paperpulse::http
