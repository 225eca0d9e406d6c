#include "paperpulse/ingest/paper_popularity_csv.h"

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/ingest/csv.h"
#include "paperpulse/ingest/kaggle_csv.h"
#include "paperpulse/ingest/normalize.h"
#include "paperpulse/ingest/pyrepr.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

std::string_view Field(const std::vector<std::string>& fields, int index) {
  return index >= 0 ? std::string_view(fields[static_cast<size_t>(index)]) : std::string_view();
}

// A list column: a Python list repr, or (should a writer have joined it) a
// plain string, split with `split_plain`.
template <typename SplitPlain>
Result<std::vector<std::string>> ListColumn(std::string_view text, SplitPlain split_plain) {
  text = TrimView(text);
  if (text.empty()) return std::vector<std::string>();
  if (text.front() != '[') return split_plain(text);
  return ParsePyStringList(text);
}

}  // namespace

bool PaperPopularityCsvReader::Sniff(std::string_view head, std::string_view /*path*/) const {
  auto header = SniffCsvHeader(head);
  return header && ContainsColumns(DataColumns(*header), {"id", "authors", "title", "categories",
                                                          "abstract", "versions", "v1_date"});
}

Status PaperPopularityCsvReader::Read(ByteSource& source, RecordSink& sink) {
  int id_col = -1, authors_col = -1, title_col = -1, categories_col = -1, abstract_col = -1,
      versions_col = -1, v1_date_col = -1;
  auto on_header = [&](const CsvHeader& h) -> Status {
    id_col = h.Find("id");
    authors_col = h.Find("authors");
    title_col = h.Find("title");
    categories_col = h.Find("categories");
    abstract_col = h.Find("abstract");
    versions_col = h.Find("versions");
    v1_date_col = h.Find("v1_date");
    if (id_col < 0 || title_col < 0) {
      return Fail(ErrorCode::kParse,
                  source.name() + ": not a paper-popularity-csv file (needs id and title)");
    }
    return Ok();
  };
  auto on_record = [&](const std::vector<std::string>& f, const SourcePos& pos) {
    auto id = ParseMangledArxivId(Field(f, id_col));
    if (!id) {
      sink.OnReject(pos, id.error().message);
      return;
    }
    Paper paper;
    paper.id = id->base;
    paper.latest_version = id->version;
    auto reject = [&](std::string_view what, const Error& error) {
      std::string reason = paper.id;
      reason.append(": ");
      // ParseKaggleVersions names its column itself.
      if (!StartsWith(error.message, what)) {
        reason.append(what);
        reason.append(": ");
      }
      reason.append(error.message);
      sink.OnReject(pos, std::move(reason));
    };
    paper.title = CollapseWhitespace(TexToUnicode(Field(f, title_col)));
    paper.abstract = std::string(TrimView(Field(f, abstract_col)));

    auto authors = ListColumn(Field(f, authors_col), SplitArxivAuthors);
    if (!authors) return reject("authors", authors.error());
    for (const std::string& name : *authors) {
      std::string clean = CollapseWhitespace(TexToUnicode(name));
      if (!clean.empty()) paper.authors.push_back(std::move(clean));
    }
    auto categories = ListColumn(Field(f, categories_col), SplitCategories);
    if (!categories) return reject("categories", categories.error());
    paper.categories = std::move(*categories);

    if (std::string_view text = TrimView(Field(f, versions_col)); !text.empty()) {
      auto versions = ParseKaggleVersions(text);
      if (!versions) return reject("versions", versions.error());
      ApplyVersions(std::move(*versions), paper);
    }
    if (std::string_view v1 = TrimView(Field(f, v1_date_col)); !v1.empty()) {
      auto date = NormalizeTimestamp(v1);
      if (!date) {
        std::string message = "unrecognised date \"";
        message.append(v1.substr(0, 80));
        message.push_back('"');
        return reject("v1_date", Error{ErrorCode::kParse, std::move(message)});
      }
      // The versions list, when there is one, has the same instant.
      if (paper.submitted.empty()) paper.submitted = std::move(*date);
    }
    sink.OnPaper(std::move(paper), pos);
  };
  return ReadCsvRecords(source, sink, on_header, on_record);
}

std::unique_ptr<Reader> MakePaperPopularityCsvReader() {
  return std::make_unique<PaperPopularityCsvReader>();
}

}  // namespace paperpulse::ingest
