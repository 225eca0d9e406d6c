#include "paperpulse/ingest/oai_pmh.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <utility>
#include <vector>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/ingest/json_util.h"
#include "paperpulse/ingest/normalize.h"
#include "paperpulse/ingest/oai_dc_jsonl.h"
#include "paperpulse/ingest/readers.h"
#include "paperpulse/ingest/xml_util.h"

namespace paperpulse::ingest {
namespace {

using xml::Child;
using xml::CollapsedText;
using xml::LocalName;
using xml::StrCat;
using xml::TrimmedText;

int64_t ParseCount(std::string_view text) {
  text = TrimView(text);
  int64_t value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return -1;
  return value;
}

std::string Timestamp(std::string_view text) { return NormalizeTimestamp(text).value_or(""); }

// Children of `parent` with local name `local`, in order.
std::vector<pugi::xml_node> Children(pugi::xml_node parent, std::string_view local) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c) == local) out.push_back(c);
  }
  return out;
}

std::string Title(pugi::xml_node node) { return CollapseWhitespace(TexToUnicode(xml::Text(node))); }

// The record's id: the metadata's own id when it has one, else the header's
// "oai:arXiv.org:<id>" identifier. Reasons are worded as by the other readers.
Result<ArxivId> RecordId(std::string_view metadata_id, std::string_view header_identifier) {
  std::string_view text = TrimView(metadata_id);
  if (text.empty()) text = TrimView(header_identifier);
  std::string reason;
  auto id = json::ParseRecordId(text, reason);
  if (!id) return Fail(ErrorCode::kInvalidArgument, std::move(reason));
  return std::move(*id);
}

// arXivRaw: the richest format, with every version's date and size.
Result<Paper> FromArxivRaw(pugi::xml_node meta, std::string_view header_identifier) {
  ASSIGN_OR_RETURN(ArxivId id, RecordId(xml::Text(Child(meta, "id")), header_identifier));
  Paper paper;
  paper.id = id.base;
  for (pugi::xml_node v : Children(meta, "version")) {
    // The attribute is "v1", "v2", ... (a version label, not an id).
    std::string_view label = TrimView(v.attribute("version").value());
    int number = 0;
    if (label.size() < 2 || label.front() != 'v') continue;
    auto [end, ec] = std::from_chars(label.data() + 1, label.data() + label.size(), number);
    if (ec != std::errc() || end != label.data() + label.size() || number < 1) continue;
    bool seen = std::any_of(paper.versions.begin(), paper.versions.end(),
                            [&](const PaperVersion& o) { return o.number == number; });
    if (seen) continue;
    paper.versions.push_back(
        {number, Timestamp(xml::Text(Child(v, "date"))), TrimmedText(Child(v, "size"))});
  }
  std::sort(paper.versions.begin(), paper.versions.end(),
            [](const PaperVersion& a, const PaperVersion& b) { return a.number < b.number; });
  if (!paper.versions.empty()) {
    paper.latest_version = paper.versions.back().number;
    paper.updated = paper.versions.back().date;
    if (paper.versions.front().number == 1) paper.submitted = paper.versions.front().date;
  }
  paper.title = Title(Child(meta, "title"));
  paper.authors = SplitArxivAuthors(xml::Text(Child(meta, "authors")));
  paper.categories = SplitCategories(xml::Text(Child(meta, "categories")));
  paper.comments = CollapsedText(Child(meta, "comments"));
  paper.journal_ref = CollapsedText(Child(meta, "journal-ref"));
  paper.doi = CollapsedText(Child(meta, "doi"));
  paper.license = CollapsedText(Child(meta, "license"));
  paper.abstract = TrimmedText(Child(meta, "abstract"));
  return paper;
}

// Dates of the arXiv and oai_dc formats: the first version's date and, when
// there is more than one version, the latest one's (date only, no number).
// With no second date the paper has exactly one version. Only v1 is known
// by number, and only to the day, so no PaperVersion is made from them: a
// timestamped v1 from arXivRaw or the API must not be shadowed.
void SetDates(Paper& paper, std::string_view created, std::string_view updated) {
  paper.submitted = Timestamp(created);
  std::string latest = Timestamp(updated);
  paper.updated = latest.empty() ? paper.submitted : latest;
  if (TrimView(updated).empty() && !paper.submitted.empty()) paper.latest_version = 1;
}

// arXiv: structured author names, created/updated dates.
Result<Paper> FromArxiv(pugi::xml_node meta, std::string_view header_identifier) {
  ASSIGN_OR_RETURN(ArxivId id, RecordId(xml::Text(Child(meta, "id")), header_identifier));
  Paper paper;
  paper.id = id.base;
  SetDates(paper, xml::Text(Child(meta, "created")), xml::Text(Child(meta, "updated")));
  paper.title = Title(Child(meta, "title"));
  for (pugi::xml_node a : Children(Child(meta, "authors"), "author")) {
    std::string name = xml::Text(Child(a, "forenames"));
    name.push_back(' ');
    name.append(xml::Text(Child(a, "keyname")));
    name.push_back(' ');
    name.append(xml::Text(Child(a, "suffix")));
    name = CollapseWhitespace(TexToUnicode(name));
    if (!name.empty()) paper.authors.push_back(std::move(name));
  }
  paper.categories = SplitCategories(xml::Text(Child(meta, "categories")));
  paper.comments = CollapsedText(Child(meta, "comments"));
  paper.journal_ref = CollapsedText(Child(meta, "journal-ref"));
  paper.doi = CollapsedText(Child(meta, "doi"));
  paper.license = CollapsedText(Child(meta, "license"));
  paper.abstract = TrimmedText(Child(meta, "abstract"));
  return paper;
}

// oai_dc: Dublin Core as arXiv fills it. Identifiers hold the abs URL, the
// journal reference and "doi:..."; descriptions the abstract and "Comment: ...".
Result<Paper> FromOaiDc(pugi::xml_node meta, std::string_view header_identifier) {
  std::string abs_url;
  std::string journal_ref;
  std::string doi;
  for (pugi::xml_node n : Children(meta, "identifier")) {
    std::string value = CollapsedText(n);
    if (value.empty()) continue;
    if (value.find("arxiv.org/abs/") != std::string::npos) {
      if (abs_url.empty()) abs_url = value;
    } else if (StartsWith(AsciiLower(value), "doi:")) {
      // Several DOIs are joined by a space, as Kaggle and oai-dc-jsonl do.
      std::string_view one = TrimView(std::string_view(value).substr(4));
      while (!one.empty() && (one.back() == ',' || one.back() == ';')) one.remove_suffix(1);
      if (one.empty()) continue;
      if (!doi.empty()) doi.push_back(' ');
      doi.append(one);
    } else if (journal_ref.empty() && !StartsWith(value, "http://") &&
               !StartsWith(value, "https://")) {
      journal_ref = value;
    }
  }
  ASSIGN_OR_RETURN(ArxivId id, RecordId(abs_url, header_identifier));
  Paper paper;
  paper.id = id.base;
  paper.journal_ref = std::move(journal_ref);
  paper.doi = std::move(doi);
  paper.title = Title(Child(meta, "title"));
  for (pugi::xml_node n : Children(meta, "creator")) {
    std::string name = OaiDcCreatorName(xml::Text(n));
    if (!name.empty()) paper.authors.push_back(std::move(name));
  }
  // Subjects are category names; the mapping is shared with oai-dc-jsonl.
  for (pugi::xml_node n : Children(meta, "subject")) {
    std::string_view code = CategoryFromOaiDcSubject(CollapsedText(n));
    if (code.empty()) continue;
    if (std::find(paper.categories.begin(), paper.categories.end(), code) ==
        paper.categories.end()) {
      paper.categories.emplace_back(code);
    }
  }
  for (pugi::xml_node n : Children(meta, "description")) {
    std::string value = TrimmedText(n);
    if (StartsWith(value, "Comment:")) {
      if (paper.comments.empty()) paper.comments = CollapseWhitespace(value.substr(8));
    } else if (paper.abstract.empty()) {
      paper.abstract = std::move(value);
    }
  }
  std::vector<pugi::xml_node> dates = Children(meta, "date");
  if (!dates.empty()) {
    SetDates(paper, xml::Text(dates.front()), dates.size() > 1 ? xml::Text(dates.back()) : "");
  }
  if (pugi::xml_node rights = Child(meta, "rights")) {
    std::string value = CollapsedText(rights);
    if (StartsWith(value, "http://") || StartsWith(value, "https://")) paper.license = value;
  }
  return paper;
}

struct PageReader {
  xml::Document& doc;
  const std::string& name;
  RecordSink& sink;
  OaiPageInfo& info;

  void NoteDatestamp(pugi::xml_node header) {
    std::string stamp = TrimmedText(Child(header, "datestamp"));
    if (stamp > info.last_datestamp) info.last_datestamp = std::move(stamp);
  }

  void ReadRecord(pugi::xml_node record) {
    SourcePos pos = doc.PosOf(name, record, info.records);
    ++info.records;
    pugi::xml_node header = Child(record, "header");
    if (!header) {
      sink.OnReject(pos, "record without header");
      return;
    }
    NoteDatestamp(header);
    std::string identifier = TrimmedText(Child(header, "identifier"));
    if (std::string_view(header.attribute("status").value()) == "deleted") {
      ++info.deleted;
      return;
    }
    pugi::xml_node meta = Child(record, "metadata").first_child();
    while (meta && meta.type() != pugi::node_element) meta = meta.next_sibling();
    if (!meta) {
      sink.OnReject(pos, StrCat({"record without metadata (", identifier, ")"}));
      return;
    }
    std::string_view format = LocalName(meta);
    Result<Paper> paper;
    if (format == "arXivRaw") {
      paper = FromArxivRaw(meta, identifier);
    } else if (format == "arXiv") {
      paper = FromArxiv(meta, identifier);
    } else if (format == "dc") {
      paper = FromOaiDc(meta, identifier);
    } else {
      sink.OnReject(pos, StrCat({"unsupported metadata format <", meta.name(), ">"}));
      return;
    }
    if (!paper) {
      sink.OnReject(pos, paper.error().message);
      return;
    }
    if (paper->title.empty()) {
      sink.OnReject(pos, "missing title");
      return;
    }
    if (std::string_view bad = xml::InvalidUtf8Field(*paper); !bad.empty()) {
      sink.OnReject(pos, StrCat({"invalid UTF-8 in ", bad}));
      return;
    }
    sink.OnPaper(std::move(*paper), pos);
  }

  void ReadError(pugi::xml_node error) {
    std::string code = std::string(TrimView(error.attribute("code").value()));
    std::string message = CollapsedText(error);
    if (info.error_code.empty()) {
      info.error_code = code;
      info.error_message = message;
    }
    // noRecordsMatch is how OAI-PMH says "empty list", not a failure.
    if (code == "noRecordsMatch") return;
    std::string reason = StrCat({"OAI-PMH error ", code.empty() ? "(no code)" : code});
    if (!message.empty()) reason.append(StrCat({": ", message}));
    sink.OnReject(doc.PosOf(name, error, -1), std::move(reason));
  }

  // The element named after the verb: ListRecords, GetRecord, ListIdentifiers, ...
  void ReadVerb(pugi::xml_node verb) {
    info.verb = std::string(LocalName(verb));
    for (pugi::xml_node c = verb.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      std::string_view local = LocalName(c);
      if (local == "record") {
        // A record cut short by a parse error has lost fields: drop it (the
        // parse error is reported by the caller).
        if (!doc.CompleteBeforeError(c)) return;
        ReadRecord(c);
      } else if (local == "header") {
        NoteDatestamp(c);
      } else if (local == "resumptionToken") {
        info.resumption_token = TrimmedText(c);
        info.complete_list_size = ParseCount(c.attribute("completeListSize").value());
        info.cursor = ParseCount(c.attribute("cursor").value());
      }
    }
  }
};

}  // namespace

Result<OaiPageInfo> ReadOaiPmhPage(std::string_view text, const std::string& name,
                                   RecordSink& sink) {
  xml::Document doc(text);
  ASSIGN_OR_RETURN(pugi::xml_node root,
                   xml::ExpectRoot(doc, "OAI-PMH", "an OAI-PMH response", name));
  OaiPageInfo info;
  PageReader reader{doc, name, sink, info};
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view local = LocalName(c);
    if (local == "responseDate") {
      info.response_date = Timestamp(xml::Text(c));
    } else if (local == "error") {
      reader.ReadError(c);
    } else if (local != "request") {
      reader.ReadVerb(c);
    }
  }
  if (!info.resumption_token.empty())
    sink.OnResumption(info.resumption_token, info.complete_list_size);
  info.parse_error = doc.ReportParseError(name, sink);
  return info;
}

bool LooksLikeOaiPmh(std::string_view head) {
  return xml::StartsLikeXml(head) && head.find("<OAI-PMH") != std::string_view::npos;
}

std::unique_ptr<Reader> MakeOaiPmhReader() {
  // One OAI-PMH page per input: bounded by the protocol (see oai_pmh.h).
  return xml::MakeDocumentReader("oai-pmh", LooksLikeOaiPmh, xml::ParseDocument<ReadOaiPmhPage>);
}

}  // namespace paperpulse::ingest
