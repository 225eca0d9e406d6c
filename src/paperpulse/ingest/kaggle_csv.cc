#include "paperpulse/ingest/kaggle_csv.h"

#include <algorithm>
#include <charconv>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/ingest/csv.h"
#include "paperpulse/ingest/normalize.h"
#include "paperpulse/ingest/pyrepr.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 80));
  if (s.size() > 80) out.append("...");
  out.push_back('"');
  return out;
}

// Column indexes of one file (-1 = absent).
struct Columns {
  int id = -1, authors = -1, title = -1, comments = -1, journal_ref = -1, doi = -1, categories = -1,
      license = -1, abstract = -1, versions = -1, update_date = -1, authors_parsed = -1;
};

std::string_view Field(const std::vector<std::string>& fields, int index) {
  return index >= 0 ? std::string_view(fields[static_cast<size_t>(index)]) : std::string_view();
}

}  // namespace

Result<std::vector<PaperVersion>> ParseKaggleVersions(std::string_view text) {
  ASSIGN_OR_RETURN(PyValue list, ParsePyLiteral(text));
  if (!list.IsSequence()) return Fail(ErrorCode::kParse, "versions: expected a list");
  std::vector<PaperVersion> out;
  for (const PyValue& item : list.items) {
    std::string_view name = item.GetString("version");
    int number = 0;
    if (name.size() < 2 || name[0] != 'v' ||
        std::from_chars(name.data() + 1, name.data() + name.size(), number).ptr !=
            name.data() + name.size() ||
        number < 1) {
      std::string msg = "versions: bad version ";
      msg.append(Quoted(name));
      return Fail(ErrorCode::kParse, std::move(msg));
    }
    PaperVersion v;
    v.number = number;
    std::string_view created = item.GetString("created");
    if (!created.empty()) {
      auto date = NormalizeTimestamp(created);
      if (!date) {
        std::string msg = "versions: unrecognised date ";
        msg.append(Quoted(created));
        return Fail(ErrorCode::kParse, std::move(msg));
      }
      v.date = std::move(*date);
    }
    out.push_back(std::move(v));
  }
  std::stable_sort(out.begin(), out.end(), [](const PaperVersion& a, const PaperVersion& b) {
    return a.number < b.number;
  });
  return out;
}

Result<std::vector<std::string>> ParseKaggleAuthorsParsed(std::string_view text) {
  ASSIGN_OR_RETURN(PyValue list, ParsePyLiteral(text));
  if (!list.IsSequence()) return Fail(ErrorCode::kParse, "authors_parsed: expected a list");
  std::vector<std::string> out;
  for (const PyValue& entry : list.items) {
    if (!entry.IsSequence() || entry.items.empty()) {
      return Fail(ErrorCode::kParse,
                  "authors_parsed: an entry is not a [keyname, forenames, ...] list");
    }
    std::string joined;
    // Forenames, keyname, suffix: the order in which the name is written.
    for (size_t k : {size_t{1}, size_t{0}, size_t{2}}) {
      if (k >= entry.items.size()) continue;
      auto part = entry.items[k].AsString();
      if (!part) return Fail(ErrorCode::kParse, "authors_parsed: a name part is not a string");
      if (part->empty()) continue;
      if (!joined.empty()) joined.push_back(' ');
      // arXiv's name parser puts a space into hyphenated initials ("C.-P."
      // -> "C. -P."); take it out so the name matches the one in the
      // authors string, which every other source gives (kaggle_jsonl.cc
      // does the same).
      for (size_t i = 0; i < part->size(); ++i) {
        char ch = (*part)[i];
        if (ch == ' ' && i > 0 && (*part)[i - 1] == '.' && i + 1 < part->size() &&
            (*part)[i + 1] == '-') {
          continue;
        }
        joined.push_back(ch);
      }
    }
    std::string name = CollapseWhitespace(TexToUnicode(joined));
    if (!name.empty()) out.push_back(std::move(name));
  }
  return out;
}

void ApplyVersions(std::vector<PaperVersion> versions, Paper& paper) {
  std::stable_sort(
      versions.begin(), versions.end(),
      [](const PaperVersion& a, const PaperVersion& b) { return a.number < b.number; });
  if (!versions.empty()) {
    if (versions.front().number == 1 && !versions.front().date.empty()) {
      paper.submitted = versions.front().date;
    }
    if (!versions.back().date.empty()) paper.updated = versions.back().date;
    paper.latest_version = std::max(paper.latest_version, versions.back().number);
  }
  paper.versions = std::move(versions);
}

bool KaggleCsvReader::Sniff(std::string_view head, std::string_view /*path*/) const {
  auto header = SniffCsvHeader(head);
  return header && ContainsColumns(DataColumns(*header), {"id", "title", "abstract", "categories",
                                                          "versions", "authors_parsed"});
}

Status KaggleCsvReader::Read(ByteSource& source, RecordSink& sink) {
  Columns c;
  auto on_header = [&](const CsvHeader& h) -> Status {
    c.id = h.Find("id");
    c.authors = h.Find("authors");
    c.title = h.Find("title");
    c.comments = h.Find("comments");
    c.journal_ref = h.Find("journal-ref");
    c.doi = h.Find("doi");
    c.categories = h.Find("categories");
    c.license = h.Find("license");
    c.abstract = h.Find("abstract");
    c.versions = h.Find("versions");
    c.update_date = h.Find("update_date");
    c.authors_parsed = h.Find("authors_parsed");
    if (c.id < 0 || c.title < 0 || c.versions < 0) {
      return Fail(ErrorCode::kParse,
                  source.name() + ": not a kaggle-csv file (needs columns id, title, versions)");
    }
    return Ok();
  };
  auto on_record = [&](const std::vector<std::string>& f, const SourcePos& pos) {
    auto id = ParseMangledArxivId(Field(f, c.id));
    if (!id) {
      sink.OnReject(pos, id.error().message);
      return;
    }
    Paper paper;
    paper.id = id->base;
    paper.latest_version = id->version;
    paper.title = CollapseWhitespace(TexToUnicode(Field(f, c.title)));
    if (paper.title.empty()) {
      sink.OnReject(pos, paper.id + ": missing title");
      return;
    }
    paper.abstract = std::string(TrimView(Field(f, c.abstract)));
    paper.categories = SplitCategories(Field(f, c.categories));
    paper.comments = CollapseWhitespace(Field(f, c.comments));
    paper.journal_ref = CollapseWhitespace(Field(f, c.journal_ref));
    paper.doi = CollapseWhitespace(Field(f, c.doi));
    paper.license = std::string(TrimView(Field(f, c.license)));

    // authors_parsed is arXiv's own split of the author string (it drops
    // "et al" and affiliations reliably); the raw string is the fallback.
    if (std::string_view parsed = TrimView(Field(f, c.authors_parsed)); !parsed.empty()) {
      if (auto names = ParseKaggleAuthorsParsed(parsed); names) paper.authors = std::move(*names);
    }
    if (paper.authors.empty()) paper.authors = SplitArxivAuthors(Field(f, c.authors));

    std::string_view versions_text = TrimView(Field(f, c.versions));
    if (!versions_text.empty()) {
      auto versions = ParseKaggleVersions(versions_text);
      if (!versions) {
        sink.OnReject(pos, paper.id + ": " + versions.error().message);
        return;
      }
      ApplyVersions(std::move(*versions), paper);
    }
    std::string_view update_date = TrimView(Field(f, c.update_date));
    if (!update_date.empty()) {
      auto date = NormalizeTimestamp(update_date);
      if (!date) {
        sink.OnReject(pos, paper.id + ": unrecognised update_date " + Quoted(update_date));
        return;
      }
      // update_date moves with metadata changes after the last version
      // (journal-ref, DOI) too; kaggle_jsonl.cc reads it the same way.
      paper.updated = std::move(*date);
    }
    sink.OnPaper(std::move(paper), pos);
  };
  return ReadCsvRecords(source, sink, on_header, on_record);
}

std::unique_ptr<Reader> MakeKaggleCsvReader() { return std::make_unique<KaggleCsvReader>(); }

}  // namespace paperpulse::ingest
