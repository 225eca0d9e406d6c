#include "paperpulse/ingest/importer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "paperpulse/base/strings.h"

namespace paperpulse::ingest {
namespace fs = std::filesystem;
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Files that hold no paper metadata by design and are skipped with a note:
// documentation, saved HTML error pages, the saved text of a trending page
// (titles without arXiv ids: nothing to key a paper on).
std::optional<std::string> NotMetadata(const std::string& path, std::string_view head) {
  std::string lower = AsciiLower(fs::path(path).extension().string());
  if (lower == ".md" || lower == ".markdown") return "documentation (Markdown), not metadata";
  std::string_view h = TrimView(head.substr(0, 512));
  std::string hl = AsciiLower(h);
  if (StartsWith(hl, "<!doctype html") || StartsWith(hl, "<html")) {
    return "an HTML page (recorded HTTP error), not metadata";
  }
  if (h == "[]" || h == "{}") return "an empty JSON document (recorded empty response), no records";
  if (head.find("arxiv.org/api/errors#") != std::string_view::npos &&
      head.find("<entry>") == head.rfind("<entry>")) {
    // The arXiv API answers a bad query with a feed whose only entry is the
    // error; it names no paper.
    return "a recorded arXiv API error response, not metadata";
  }
  if (head.find("Get trending papers in your email inbox") != std::string_view::npos) {
    return "saved text of a trending web page: titles without arXiv ids, nothing to key papers on";
  }
  return std::nullopt;
}

void CollectFiles(const std::string& path, std::vector<std::string>& out,
                  std::vector<std::string>& failed) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec) {
    failed.push_back(path + ": " + ec.message());
    return;
  }
  if (!fs::is_directory(st)) {
    out.push_back(path);
    return;
  }
  std::vector<std::string> found;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) found.push_back(it->path().string());
  }
  if (ec) failed.push_back(path + ": " + ec.message());
  std::sort(found.begin(), found.end());
  out.insert(out.end(), found.begin(), found.end());
}

std::string CountsText(const Counts& c) {
  return std::to_string(c.read) + " read, " + std::to_string(c.inserted) + " inserted, " +
         std::to_string(c.updated) + " updated, " + std::to_string(c.unchanged) + " unchanged, " +
         std::to_string(c.rejected) + " rejected" +
         (c.held ? ", " + std::to_string(c.held) + " held without arXiv id" : std::string());
}

std::string CountsJson(const Counts& c) {
  return "{\"read\": " + std::to_string(c.read) + ", \"inserted\": " + std::to_string(c.inserted) +
         ", \"updated\": " + std::to_string(c.updated) +
         ", \"unchanged\": " + std::to_string(c.unchanged) +
         ", \"rejected\": " + std::to_string(c.rejected) + ", \"held\": " + std::to_string(c.held) +
         "}";
}

}  // namespace

std::string ImportSummary::ToText() const {
  std::string out;
  for (const auto& [name, c] : per_format) out += "import: " + name + ": " + CountsText(c) + "\n";
  if (daily.read > 0) out += "import: daily entries: " + CountsText(daily) + "\n";
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.1f s, %.0f records/s", seconds,
                seconds > 0 ? static_cast<double>(total.read) / seconds : 0.0);
  out += "import: total: " + CountsText(total) + "; " + std::to_string(files) + " files, " +
         std::to_string(skipped.size()) + " skipped, " + std::to_string(failed.size()) +
         " failed; " + rate + "\n";
  return out;
}

std::string ImportSummary::ToJson() const {
  std::string out = "{\"formats\": {";
  bool first = true;
  for (const auto& [name, c] : per_format) {
    if (!first) out += ", ";
    first = false;
    out += JsonQuote(name) + ": " + CountsJson(c);
  }
  out += "}, \"total\": " + CountsJson(total) + ", \"daily_entries\": " + CountsJson(daily) +
         ", \"files\": " + std::to_string(files) + ", \"skipped\": [";
  for (size_t i = 0; i < skipped.size(); ++i) out += (i ? ", " : "") + JsonQuote(skipped[i]);
  out += "], \"failed\": [";
  for (size_t i = 0; i < failed.size(); ++i) out += (i ? ", " : "") + JsonQuote(failed[i]);
  out += "], \"seconds\": " + std::to_string(seconds) + "}";
  return out;
}

Importer::Importer(storage::Store& store, ImportOptions options)
    : store_(store), options_(std::move(options)), readers_(AllReaders()) {}

void Importer::Report(const SourcePos& pos, const std::string& reason) {
  std::string line = "reject: " + pos.ToString() + ": " + reason + "\n";
  if (options_.error_log) std::fputs(line.c_str(), options_.error_log);
  if (options_.reject_log && printed_rejects_ < options_.max_rejects_printed) {
    if (options_.progress) std::fputs("\r\033[K", options_.reject_log);
    std::fputs(line.c_str(), options_.reject_log);
    if (++printed_rejects_ == options_.max_rejects_printed) {
      std::fputs("reject: (further rejects are counted, not printed; see --error-log)\n",
                 options_.reject_log);
    }
  }
}

// Runs after each record. The next batch's transaction is opened here, at
// once, not lazily after its first record: that record would otherwise be
// written outside any transaction (a commit of its own, and for a daily
// entry two), so a crash or a full disk could leave the Store between batch
// boundaries (found by tests/integration/faults_disk_test.py).
Status Importer::MaybeCommit() {
  if (++in_batch_ >= options_.batch_size) {
    RETURN_IF_ERROR(store_.Commit());
    in_tx_ = false;
    in_batch_ = 0;
    RETURN_IF_ERROR(store_.Begin());
    in_tx_ = true;
  }
  if (options_.progress) DrawProgress(false);
  return Ok();
}

void Importer::DrawProgress(bool final) {
  double now = Now();
  if (!final && now - last_draw_ < 0.2) return;
  last_draw_ = now;
  double elapsed = std::max(now - start_, 1e-3);
  double rate = static_cast<double>(summary_.total.read) / elapsed;
  int64_t pos = done_bytes_ + (current_ ? current_->RawPosition() : 0);
  char buf[256];
  if (total_bytes_ > 0 && pos > 0) {
    double frac = std::min(1.0, static_cast<double>(pos) / static_cast<double>(total_bytes_));
    int eta = static_cast<int>(elapsed / std::max(frac, 1e-6) * (1 - frac));
    int width = 24, filled = static_cast<int>(frac * width);
    std::string bar(filled, '#');
    bar.append(width - filled, '.');
    std::snprintf(buf, sizeof buf, "\r\033[K[%s] %5.1f%%  %lld records  %.0f rec/s  ETA %d:%02d",
                  bar.c_str(), frac * 100, static_cast<long long>(summary_.total.read), rate,
                  eta / 60, eta % 60);
  } else {
    std::snprintf(buf, sizeof buf, "\r\033[K%lld records  %.0f rec/s",
                  static_cast<long long>(summary_.total.read), rate);
  }
  std::fputs(buf, stderr);
  if (final) std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

Status Importer::ImportPaths(const std::vector<std::string>& paths) {
  start_ = Now();
  std::vector<std::string> files;
  for (const auto& p : paths) CollectFiles(p, files, summary_.failed);
  for (const auto& f : files) {
    std::error_code ec;
    auto size = fs::file_size(f, ec);
    if (!ec) total_bytes_ += static_cast<int64_t>(size);
  }
  Status status = store_.Begin();  // the first batch's (see MaybeCommit)
  in_tx_ = static_cast<bool>(status);
  for (const auto& f : files) {
    if (!status) break;
    status = ImportFile(f, done_bytes_, total_bytes_);
    std::error_code ec;
    auto size = fs::file_size(f, ec);
    if (!ec) done_bytes_ += static_cast<int64_t>(size);
    if (!status) break;
  }
  if (status && in_tx_) {
    status = store_.Commit();
    in_tx_ = false;
  }
  if (!status && in_tx_) {
    (void)store_.Rollback();
    in_tx_ = false;
  }
  summary_.seconds = Now() - start_;
  if (options_.progress) DrawProgress(true);
  return status;
}

Status Importer::ImportFile(const std::string& path, int64_t, int64_t) {
  auto source = ByteSource::Open(path);
  if (!source) {
    summary_.failed.push_back(source.error().message);
    return Ok();
  }
  auto head = (*source)->Peek(64 * 1024);
  if (!head) {
    summary_.failed.push_back(head.error().message);
    return Ok();
  }
  Reader* reader = nullptr;
  if (!options_.format.empty()) {
    for (auto& r : readers_)
      if (r->Name() == options_.format) reader = r.get();
  } else if (auto why = NotMetadata(path, *head)) {
    summary_.skipped.push_back(path + ": " + *why);
    return Ok();
  } else {
    reader = DetectReader(readers_, *head, path);
  }
  if (reader == nullptr) {
    if (TrimView(*head).empty()) {
      summary_.failed.push_back(path + ": empty file");
    } else {
      summary_.failed.push_back(path + ": not a known format (" +
                                (options_.format.empty() ? std::string("content not recognised")
                                                         : "no reader named " + options_.format) +
                                ")");
    }
    return Ok();
  }
  ++summary_.files;
  Counts file_counts;
  StoreSink sink(
      store_, &file_counts, &summary_.daily,
      [this](const SourcePos& pos, const std::string& reason) { Report(pos, reason); },
      [this] { return MaybeCommit(); });
  current_ = source->get();
  Status read = reader->Read(**source, sink);
  current_ = nullptr;
  summary_.per_format[std::string(reader->Name())] += file_counts;
  summary_.total += file_counts;
  if (!sink.status()) return sink.status();
  if (!read) summary_.failed.push_back(path + ": " + read.error().message);
  return Ok();
}

}  // namespace paperpulse::ingest
