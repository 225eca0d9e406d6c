#include "paperpulse/ingest/abstracts_csv.h"

#include <algorithm>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/ingest/csv.h"
#include "paperpulse/ingest/normalize.h"
#include "paperpulse/ingest/pyrepr.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

enum class Layout { kUnknown, kWithIds, kTitleSummary, kKeras };

bool SameSet(std::vector<std::string> columns, std::vector<std::string> want) {
  std::sort(columns.begin(), columns.end());
  std::sort(want.begin(), want.end());
  return columns == want;
}

Layout DetectLayout(const std::vector<std::string>& header) {
  const std::vector<std::string> columns = DataColumns(header);
  if (SameSet(columns, {"id", "title", "abstract", "categories"})) return Layout::kWithIds;
  if (SameSet(columns, {"title", "summary", "comment", "authors", "category", "split"})) {
    return Layout::kTitleSummary;
  }
  if (ContainsColumns(columns, {"titles", "summaries", "terms"})) {
    bool only_known = std::all_of(columns.begin(), columns.end(), [](const std::string& c) {
      return c == "titles" || c == "summaries" || c == "terms" || c == "word_count" ||
             c == "unique_word_count";
    });
    if (only_known) return Layout::kKeras;
  }
  return Layout::kUnknown;
}

}  // namespace

bool AbstractsCsvReader::Sniff(std::string_view head, std::string_view /*path*/) const {
  auto header = SniffCsvHeader(head);
  return header && DetectLayout(*header) != Layout::kUnknown;
}

Status AbstractsCsvReader::Read(ByteSource& source, RecordSink& sink) {
  Layout layout = Layout::kUnknown;
  int id = -1, title = -1, abstract = -1, categories = -1, authors = -1, comments = -1;
  auto on_header = [&](const CsvHeader& h) -> Status {
    layout = DetectLayout(h.names());
    if (layout == Layout::kUnknown) {
      return Fail(ErrorCode::kParse,
                  source.name() + ": not an abstracts-csv file (unknown columns)");
    }
    id = h.Find("id");
    switch (layout) {
      case Layout::kTitleSummary:
        title = h.Find("title");
        abstract = h.Find("summary");
        authors = h.Find("authors");
        comments = h.Find("comment");
        break;  // its `category` is a field name ("physics"), not an arXiv category
      case Layout::kKeras:
        title = h.Find("titles");
        abstract = h.Find("summaries");
        categories = h.Find("terms");
        break;
      default:
        title = h.Find("title");
        abstract = h.Find("abstract");
        categories = h.Find("categories");
    }
    return Ok();
  };
  auto field = [](const std::vector<std::string>& f, int i) -> std::string_view {
    return i >= 0 && static_cast<size_t>(i) < f.size() ? std::string_view(f[static_cast<size_t>(i)])
                                                       : std::string_view();
  };
  auto on_record = [&](const std::vector<std::string>& f, const SourcePos& pos) {
    if (layout != Layout::kWithIds) {
      // No id column: the record is kept as an unkeyed paper (held by the
      // Store until a keyed source with the same title links it), not lost.
      Paper paper;
      paper.title = CollapseWhitespace(TexToUnicode(field(f, title)));
      paper.abstract = CollapseWhitespace(field(f, abstract));
      paper.comments = std::string(TrimView(field(f, comments)));
      if (authors >= 0) paper.authors = SplitArxivAuthors(field(f, authors));
      if (categories >= 0) {
        auto terms = ParsePyStringList(field(f, categories));
        if (!terms) {
          sink.OnReject(pos, "terms: " + terms.error().message);
          return;
        }
        paper.categories = std::move(*terms);
      }
      if (paper.title.empty()) {
        sink.OnReject(pos, "no arXiv id and no title: nothing to identify the paper by");
        return;
      }
      sink.OnPaper(std::move(paper), pos);
      return;
    }
    auto parsed = ParseMangledArxivId(f[static_cast<size_t>(id)]);
    if (!parsed) {
      sink.OnReject(pos, parsed.error().message);
      return;
    }
    Paper paper;
    paper.id = parsed->base;
    paper.latest_version = parsed->version;
    paper.title = CollapseWhitespace(TexToUnicode(f[static_cast<size_t>(title)]));
    paper.abstract = std::string(TrimView(f[static_cast<size_t>(abstract)]));
    paper.categories = SplitCategories(f[static_cast<size_t>(categories)]);
    sink.OnPaper(std::move(paper), pos);
  };
  return ReadCsvRecords(source, sink, on_header, on_record);
}

std::unique_ptr<Reader> MakeAbstractsCsvReader() { return std::make_unique<AbstractsCsvReader>(); }

}  // namespace paperpulse::ingest
