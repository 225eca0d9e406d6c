#include "paperpulse/ingest/arxiv_atom.h"

#include <charconv>
#include <memory>
#include <utility>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/ingest/json_util.h"
#include "paperpulse/ingest/normalize.h"
#include "paperpulse/ingest/readers.h"
#include "paperpulse/ingest/xml_util.h"

namespace paperpulse::ingest {
namespace {

using xml::Child;
using xml::CollapsedText;
using xml::LocalName;
using xml::StrCat;
using xml::TrimmedText;

int64_t ParseCount(pugi::xml_node node) {
  if (!node) return -1;
  std::string text = TrimmedText(node);
  int64_t value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return -1;
  return value;
}

std::string Timestamp(pugi::xml_node node) {
  return NormalizeTimestamp(TrimmedText(node)).value_or("");
}

void AddCategory(std::vector<std::string>& categories, std::string term) {
  if (term.empty()) return;
  for (const std::string& c : categories) {
    if (c == term) return;
  }
  categories.push_back(std::move(term));
}

// Turns one <entry> into a paper, or into an OnReject. Error entries (the
// API's way of reporting a bad query) are recorded in `info`.
void ReadEntry(pugi::xml_node entry, const SourcePos& pos, AtomFeedInfo& info, RecordSink& sink) {
  std::string id_text = CollapsedText(Child(entry, "id"));
  if (id_text.find("/api/errors") != std::string::npos) {
    std::string message = CollapsedText(Child(entry, "summary"));
    if (message.empty()) message = id_text;
    if (!info.is_error) info.error = message;
    info.is_error = true;
    sink.OnReject(pos, StrCat({"arXiv API error: ", message}));
    return;
  }
  std::string reason;
  auto id = json::ParseRecordId(id_text, reason);
  if (!id) {
    sink.OnReject(pos, std::move(reason));
    return;
  }

  Paper paper;
  paper.id = id->base;
  paper.title = CollapseWhitespace(TexToUnicode(xml::Text(Child(entry, "title"))));
  if (paper.title.empty()) {
    sink.OnReject(pos, "missing title");
    return;
  }
  paper.abstract = TrimmedText(Child(entry, "summary"));
  for (pugi::xml_node c = entry.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view local = LocalName(c);
    if (local == "author") {
      std::string name = CollapseWhitespace(TexToUnicode(xml::Text(Child(c, "name"))));
      if (!name.empty()) paper.authors.push_back(std::move(name));
    }
  }
  // The primary category comes first whatever the element order (legacy
  // feeds put it before the <category> list, 2026 feeds after).
  AddCategory(paper.categories,
              std::string(TrimView(Child(entry, "primary_category").attribute("term").value())));
  for (pugi::xml_node c = entry.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c) == "category") {
      AddCategory(paper.categories, std::string(TrimView(c.attribute("term").value())));
    }
  }
  paper.comments = CollapsedText(Child(entry, "comment"));
  paper.journal_ref = CollapsedText(Child(entry, "journal_ref"));
  paper.doi = CollapsedText(Child(entry, "doi"));

  // <published> is the date of v1; <updated> that of the version the entry
  // describes (the one in its id).
  std::string published = Timestamp(Child(entry, "published"));
  std::string updated = Timestamp(Child(entry, "updated"));
  paper.submitted = published;
  paper.updated = updated.empty() ? published : updated;
  paper.latest_version = id->version;
  if (!published.empty()) {
    paper.versions.push_back({1, published, ""});
  } else if (id->version == 1 && !updated.empty()) {
    paper.versions.push_back({1, updated, ""});
  }
  if (id->version > 1) paper.versions.push_back({id->version, updated, ""});

  if (std::string_view bad = xml::InvalidUtf8Field(paper); !bad.empty()) {
    sink.OnReject(pos, StrCat({"invalid UTF-8 in ", bad}));
    return;
  }
  sink.OnPaper(std::move(paper), pos);
}

}  // namespace

Result<AtomFeedInfo> ReadAtomFeed(std::string_view text, const std::string& name,
                                  RecordSink& sink) {
  xml::Document doc(text);
  ASSIGN_OR_RETURN(pugi::xml_node feed, xml::ExpectRoot(doc, "feed", "an Atom feed", name));
  AtomFeedInfo info;
  info.total_results = ParseCount(Child(feed, "totalResults"));
  info.start_index = ParseCount(Child(feed, "startIndex"));
  info.items_per_page = ParseCount(Child(feed, "itemsPerPage"));
  for (pugi::xml_node c = feed.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || LocalName(c) != "entry") continue;
    // An entry cut short by a parse error has lost fields: drop it (the
    // parse error is reported below).
    if (!doc.CompleteBeforeError(c)) break;
    ReadEntry(c, doc.PosOf(name, c, info.entries), info, sink);
    ++info.entries;
  }
  info.parse_error = doc.ReportParseError(name, sink);
  return info;
}

bool LooksLikeArxivAtom(std::string_view head) {
  if (!xml::StartsLikeXml(head)) return false;
  if (head.find("<feed") == std::string_view::npos) return false;
  if (head.find("http://www.w3.org/2005/Atom") == std::string_view::npos) return false;
  return AsciiLower(head).find("arxiv") != std::string::npos;
}

std::unique_ptr<Reader> MakeArxivAtomReader() {
  // A feed page is bounded by the API's max_results (a few MB at most).
  return xml::MakeDocumentReader("arxiv-atom", LooksLikeArxivAtom,
                                 xml::ParseDocument<ReadAtomFeed>);
}

}  // namespace paperpulse::ingest
