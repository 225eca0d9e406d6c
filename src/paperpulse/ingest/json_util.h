// Plumbing shared by the JSON readers (kaggle_jsonl, daily_listing_jsonl,
// oai_dc_jsonl, hf_daily_json): the JSON Lines loop, wording of simdjson
// errors as reject reasons, field accessors that treat a wrong type as
// "absent", and the byte-level helpers their Sniff() functions use.
// Internal to the ingest layer; the readers' public face is readers.h.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/result.h"
#include "paperpulse/ingest/reader.h"
#include "paperpulse/ingest/source.h"

namespace paperpulse::ingest::json {

// Longest JSON Lines record the readers accept. Real arXiv metadata lines
// stay far below (the longest are author lists of large collaborations);
// anything bigger is garbage or an attack and is rejected by LineReader
// without being buffered whole.
inline constexpr size_t kMaxLineBytes = 16 << 20;

// Called with the parsed root of each line. `root` and every string view
// taken from it are valid only during the call (the parser is reused).
using LineHandler = std::function<void(simdjson::dom::element root, const SourcePos& pos)>;

// Reads `source` as JSON Lines: each non-blank line is parsed with one reused
// simdjson DOM parser (constant memory, no allocation per line once the
// parser has grown to the longest line) and handed to `handler`. A UTF-8 BOM
// before the first line is skipped. Lines that are too long, not JSON,
// truncated or not UTF-8 are reported to `sink.OnReject` with file, line and
// offset, and reading continues. Errors: only I/O errors of `source`.
Status ForEachJsonLine(ByteSource& source, RecordSink& sink, const LineHandler& handler);

// A short reject reason for a simdjson parse failure of `text`: "invalid
// UTF-8 at byte 17", "truncated or malformed JSON", ...
std::string ParseErrorReason(simdjson::error_code error, std::string_view text);

// `s` in double quotes for a reject reason, cut to 60 bytes (at a UTF-8
// boundary) so that a multi-megabyte bad value cannot flood the error log.
std::string QuoteForReason(std::string_view s);

// Parses `raw` as an arXiv id. On failure returns nullopt and sets `reason`
// to "missing id" (empty `raw`) or `bad arXiv id "<raw>"`.
std::optional<ArxivId> ParseRecordId(std::string_view raw, std::string& reason);

// The string value of `e`, or "" when `e` is null, absent or not a string:
// the sources write null (or nothing) for unknown optional fields.
std::string_view StringOr(simdjson::dom::element e);
std::string_view StringField(simdjson::dom::object obj, std::string_view key);
// The integer value of `e` (an integral double counts), or nullopt.
std::optional<int64_t> IntOr(simdjson::dom::element e);

// CollapseWhitespace(s), but a plain copy when `s` is already collapsed (the
// common case: this is on the per-field hot path of bulk imports).
std::string Collapse(std::string_view s);

// An author name or a title as every reader stores it (the other formats'
// readers do the same): TeX accents converted, white space collapsed.
std::string NormalizeText(std::string_view text);

// True for the shape of an arXiv category code: "hep-th", "cs.CL",
// "cond-mat.mes-hall", "q-fin.ST". MSC/ACM classes ("14J60", "F.4.1") and
// free text are not.
bool LooksLikeCategory(std::string_view s);

// --- Sniff helpers: byte-level, cheap, tolerant of a head cut anywhere. ---

// `head` without a leading UTF-8 BOM and ASCII white space.
std::string_view SkipBomAndSpace(std::string_view head);
// The first line of `head` (after a BOM), and whether it ended within `head`
// (false when the head was cut in the middle of it).
std::string_view FirstLine(std::string_view head, bool& complete);
// True when `text` contains `"key"` followed by optional white space and ':',
// i.e. `key` used as an object key (not merely as a value).
bool HasKey(std::string_view text, std::string_view key);

}  // namespace paperpulse::ingest::json
