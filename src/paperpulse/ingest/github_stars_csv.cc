#include "paperpulse/ingest/github_stars_csv.h"

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/ingest/csv.h"
#include "paperpulse/ingest/normalize.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {

bool GithubStarsCsvReader::Sniff(std::string_view head, std::string_view /*path*/) const {
  auto header = SniffCsvHeader(head);
  return header &&
         ContainsColumns(DataColumns(*header), {"Arxiv_ID", "Title", "Pdf_Link", "Published_Date"});
}

Status GithubStarsCsvReader::Read(ByteSource& source, RecordSink& sink) {
  int id_col = -1, title_col = -1, pdf_col = -1, date_col = -1;
  auto on_header = [&](const CsvHeader& h) -> Status {
    id_col = h.Find("Arxiv_ID");
    title_col = h.Find("Title");
    pdf_col = h.Find("Pdf_Link");
    date_col = h.Find("Published_Date");
    if (id_col < 0 || title_col < 0) {
      return Fail(ErrorCode::kParse,
                  source.name() + ": not a github-stars-csv file (needs Arxiv_ID and Title)");
    }
    return Ok();
  };
  auto on_record = [&](const std::vector<std::string>& f, const SourcePos& pos) {
    auto id = ParseMangledArxivId(f[static_cast<size_t>(id_col)]);
    if (!id) {
      sink.OnReject(pos, id.error().message);
      return;
    }
    Paper paper;
    paper.id = id->base;
    paper.latest_version = id->version;
    if (pdf_col >= 0) {
      // The link was never a float: when it names a different paper, the
      // repair of the id guessed wrong (or the row is garbled).
      std::string_view link = TrimView(f[static_cast<size_t>(pdf_col)]);
      if (auto from_link = ParseArxivId(link); from_link) {
        if (from_link->base != paper.id) {
          std::string reason = "Arxiv_ID ";
          reason.append(f[static_cast<size_t>(id_col)]);
          reason.append(" (read as ");
          reason.append(paper.id);
          reason.append(") disagrees with Pdf_Link ");
          reason.append(link);
          sink.OnReject(pos, std::move(reason));
          return;
        }
        paper.latest_version = std::max(paper.latest_version, from_link->version);
      }
    }
    paper.title = CollapseWhitespace(TexToUnicode(f[static_cast<size_t>(title_col)]));
    if (date_col >= 0) {
      std::string_view published = TrimView(f[static_cast<size_t>(date_col)]);
      if (!published.empty()) {
        auto date = NormalizeTimestamp(published);
        if (!date) {
          std::string reason = paper.id;
          reason.append(": unrecognised Published_Date \"");
          reason.append(published.substr(0, 80));
          reason.push_back('"');
          sink.OnReject(pos, std::move(reason));
          return;
        }
        paper.submitted = std::move(*date);
      }
    }
    sink.OnPaper(std::move(paper), pos);
  };
  return ReadCsvRecords(source, sink, on_header, on_record);
}

std::unique_ptr<Reader> MakeGithubStarsCsvReader() {
  return std::make_unique<GithubStarsCsvReader>();
}

}  // namespace paperpulse::ingest
