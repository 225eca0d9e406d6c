// Reader for recorded HTTP exchanges saved as JSON by client test suites:
//   - the arxiv.py client's golden files: one object
//       {"url": ..., "status_code": 200, "body": "<raw Atom XML>"}
//   - nock recordings (the oai-pmh npm client): an array of
//       {"scope", "method", "path", "body", "status", "response", "rawHeaders"}
//     where "response" is the body the server sent.
// Each recorded body is sniffed and handed to the arXiv Atom or the OAI-PMH
// reader. A body that is neither contributes nothing: silently when the
// recorded status was not 2xx (a 503 "retry after" page is part of a normal
// exchange), with an OnReject otherwise. A recognised body is read whatever
// the status, because arXiv sends its error feeds with HTTP 400 and their
// message is worth reporting.
#pragma once

#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

// Reads one recording held in `json`; `name` labels positions (a nock
// exchange i is reported as "<name>[i]"). Errors (kParse) when `json` is not
// one of the two recording shapes.
Status ReadHttpRecording(std::string_view json, const std::string& name, RecordSink& sink);

// Whether `head` (the first bytes of a file, possibly cut mid-value) is a
// recording: a JSON object whose top-level keys include "status_code" and
// "body", or a JSON array whose first element has "scope", "method" and
// "status". Plain JSON data (HF daily-paper arrays, JSON Lines) does not match.
bool LooksLikeHttpRecording(std::string_view head);

}  // namespace paperpulse::ingest
