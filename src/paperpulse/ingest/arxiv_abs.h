// "arxiv-abs": arXiv's internal .abs metadata text, as single-paper files
// (arxiv-browse's test data) and as listing mailings that concatenate many
// entries. One entry:
//
//   ------------------------------------------------------------------------
//   \\   (two backslashes)
//   arXiv:0704.0001                          (or "Paper: hep-th/9901001";
//   From: Name <email>                        listings may add
//   Date: Mon, 2 Apr 2007 19:18:42 GMT   (443kb)          " (*cross-listing*)")
//   Date (revised v2): Tue, 24 Jul 2007 20:10:27 GMT   (370kb)
//
//   Title: ...        (a value continues on lines indented by white space)
//   Authors: ...
//   Categories: hep-ph
//   Comments: / Report-no: / Journal-ref: / DOI: / License: / MSC-class: ...
//   \\   (two backslashes)
//     abstract, any number of lines
//   \\                                 (listings: "\\ ( https://arxiv.org/abs/... ,  443kb)")
//
// Listing entries may have no abstract: the header's closing "\\" is then
// followed by the next separator line. A replacement in a daily listing has
// "replaced with revised version <date>   (size)" instead of Date lines, and
// ends with "\\ ( url , size)" right after its header. Text outside entries
// (mail headers, section rules of '%' and '-') is skipped.
#pragma once

#include <string_view>

#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

class ArxivAbsReader final : public Reader {
 public:
  std::string_view Name() const override { return "arxiv-abs"; }
  // Accepts input with a "\\" line directly followed by an "arXiv:<id>" or
  // "Paper: <id>" line naming a valid id.
  bool Sniff(std::string_view head, std::string_view path) const override;
  // One paper per entry, streamed entry by entry; the position of an entry
  // is the line of its opening "\\". Rejected entries: no id line, a bad id
  // (named), an unrecognised date, invalid UTF-8, a line or entry over the
  // size limits, an entry cut off by the end of the input.
  // Errors: only I/O errors.
  Status Read(ByteSource& source, RecordSink& sink) override;
};

}  // namespace paperpulse::ingest
