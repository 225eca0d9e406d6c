// Helpers shared by the XML readers (arxiv_atom.cc, oai_pmh.cc). Internal to
// ingest: pugixml types appear here and must not leak into public headers.
//
// Both formats are read as whole documents: an Atom feed page or an OAI-PMH
// response page is bounded by its protocol (max_results, ~1000-2500 records
// per OAI page), so a few MB per document is the expected size and a DOM is
// simpler and more forgiving of broken input than a streaming parser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "paperpulse/ingest/reader.h"
#include "paperpulse/model/paper.h"

namespace paperpulse::ingest::xml {

// Upper bound for one XML document; real pages are a few MB.
inline constexpr size_t kMaxDocumentBytes = 64 << 20;

// Concatenates its arguments (GCC 12 warns falsely, -Wrestrict, on chains of
// `"lit" + std::string` temporaries).
std::string StrCat(std::initializer_list<std::string_view> parts);

// True when `head` (after an optional UTF-8 BOM and white space) starts with
// '<', i.e. could be an XML document and is not JSON that merely quotes XML.
bool StartsLikeXml(std::string_view head);

// A document parsed from a caller-owned buffer. When the XML is malformed,
// pugixml keeps the tree built up to the error: `ok()` is false, and
// `CompleteBeforeError` tells which elements were closed before it.
class Document {
 public:
  // Parses `text` (UTF-8, the only encoding arXiv serves); `text` must
  // outlive the Document. Never fails: check ok() and root().
  explicit Document(std::string_view text);
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  bool ok() const { return result_.status == pugi::status_ok; }
  pugi::xml_node root() const { return doc_.document_element(); }
  // Byte offset of the parse error (meaningful when !ok()).
  int64_t error_offset() const { return static_cast<int64_t>(result_.offset); }
  // "malformed XML at byte N: <what>", or "" when ok().
  std::string ErrorText() const;
  // Whether `node`'s end tag was read before the parse error, i.e. its
  // content is not cut short. Always true when ok().
  bool CompleteBeforeError(pugi::xml_node node) const;
  // Reports the parse error to `sink` as a reject at its byte offset and
  // line in `file`, and returns ErrorText() ("" and no report when ok()).
  std::string ReportParseError(const std::string& file, RecordSink& sink);
  // The 1-based line of byte `offset`. Offsets asked for are expected to
  // grow (records in document order), which keeps this linear overall.
  int64_t LineOf(int64_t offset);
  // Position of `node` for error reports: file, line, offset and `index`.
  SourcePos PosOf(const std::string& file, pugi::xml_node node, int64_t index);

 private:
  std::string_view text_;
  pugi::xml_document doc_;
  pugi::xml_parse_result result_;
  int64_t line_pos_ = 0;  // LineOf cache: bytes scanned so far ...
  int64_t line_ = 1;      // ... and the line number at line_pos_
};

// The root element of `doc` when its local name is `local`; otherwise
// kParse "<file>: <parse error>" or "<file>: not <what>".
Result<pugi::xml_node> ExpectRoot(const Document& doc, std::string_view local,
                                  std::string_view what, const std::string& file);

// A Reader for formats whose every input is one XML document read whole
// (an Atom feed page, an OAI-PMH response): bounded by kMaxDocumentBytes.
using DocumentParser = Status (*)(std::string_view text, const std::string& file, RecordSink& sink);
std::unique_ptr<Reader> MakeDocumentReader(std::string_view name,
                                           bool (*sniff)(std::string_view head),
                                           DocumentParser parse);

// A DocumentParser made of a page parser that also returns page information.
template <auto kParsePage>
Status ParseDocument(std::string_view text, const std::string& file, RecordSink& sink) {
  RETURN_IF_ERROR(kParsePage(text, file, sink));
  return Ok();
}

// The name of `node` without its namespace prefix ("arxiv:doi" -> "doi").
// Readers match local names: arXiv uses fixed prefixes, but nothing in XML
// guarantees them.
std::string_view LocalName(pugi::xml_node node);

// The first element child of `parent` with local name `local`, or null.
pugi::xml_node Child(pugi::xml_node parent, std::string_view local);

// All character data (text and CDATA) inside `node`, in document order.
std::string Text(pugi::xml_node node);

// Text(node) with white space trimmed / collapsed.
std::string TrimmedText(pugi::xml_node node);
std::string CollapsedText(pugi::xml_node node);

// The first string field of `paper` that is not valid UTF-8 ("title", ...),
// or "" when all are valid. Checked because pugixml does not validate
// encodings and the Store and JSON output require UTF-8.
std::string_view InvalidUtf8Field(const Paper& paper);

}  // namespace paperpulse::ingest::xml
