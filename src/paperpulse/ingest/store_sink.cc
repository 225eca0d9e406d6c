#include "paperpulse/ingest/store_sink.h"

#include <cctype>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/base/url.h"

namespace paperpulse::ingest {
namespace {

// Text fields must be valid UTF-8 without NUL bytes (PostgreSQL cannot
// store NUL in TEXT; a NUL mid-field means a corrupt record).
std::optional<std::string> CheckText(std::string_view field, std::string_view value, size_t limit) {
  if (value.size() > limit) {
    return std::string(field) + " too long (" + std::to_string(value.size()) + " bytes, limit " +
           std::to_string(limit) + ")";
  }
  if (size_t bad = FirstInvalidUtf8(value); bad != std::string_view::npos) {
    return "invalid UTF-8 in " + std::string(field) + " at byte " + std::to_string(bad);
  }
  if (value.find('\0') != std::string_view::npos) return "NUL byte in " + std::string(field);
  return std::nullopt;
}

// arXiv category shape: archive ("hep-th") or archive.subject ("cs.CL",
// "cond-mat.stat-mech"). The API also tags entries with MSC / ACM classes
// ("03B70, 68Q99 F.4.1") as <category>: those are not arXiv categories.
bool IsArxivCategory(std::string_view c) {
  auto part = [](std::string_view s, bool lower_only) {
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
    for (char ch : s) {
      bool ok = (ch >= 'a' && ch <= 'z') || ch == '-' || (!lower_only && ch >= 'A' && ch <= 'Z');
      if (!ok) return false;
    }
    return true;
  };
  size_t dot = c.find('.');
  if (dot == std::string_view::npos) return part(c, true);
  return part(c.substr(0, dot), true) && part(c.substr(dot + 1), false);
}

}  // namespace

Counts& Counts::operator+=(const Counts& o) {
  read += o.read;
  inserted += o.inserted;
  updated += o.updated;
  unchanged += o.unchanged;
  rejected += o.rejected;
  held += o.held;
  return *this;
}

std::optional<std::string> ValidatePaper(Paper& p) {
  auto id = ParseArxivId(p.id);
  if (!id) return id.error().message;
  p.id = id->base;
  if (auto e = CheckText("title", p.title, kMaxTitleBytes)) return e;
  p.title = CollapseWhitespace(p.title);
  if (p.title.empty()) return "missing title";
  if (auto e = CheckText("abstract", p.abstract, kMaxAbstractBytes)) return e;
  p.abstract = std::string(TrimView(p.abstract));
  if (p.authors.size() > kMaxAuthors)
    return "too many authors (" + std::to_string(p.authors.size()) + ")";
  std::vector<std::string> authors;
  authors.reserve(p.authors.size());
  for (const std::string& a : p.authors) {
    if (auto e = CheckText("author name", a, 1024)) return e;
    std::string name = CollapseWhitespace(a);
    if (!name.empty()) authors.push_back(std::move(name));
  }
  p.authors = std::move(authors);
  if (p.categories.size() > 64) return "too many categories";
  std::vector<std::string> categories;
  for (const std::string& c : p.categories) {
    if (auto e = CheckText("category", c, 64)) return e;
    if (IsArxivCategory(c)) categories.push_back(c);
  }
  p.categories = std::move(categories);
  for (auto* f : {&p.comments, &p.journal_ref, &p.doi, &p.license, &p.submitted, &p.updated}) {
    if (auto e = CheckText("metadata field", *f, kMaxFieldBytes)) return e;
    *f = std::string(TrimView(*f));
  }
  for (const PaperVersion& v : p.versions) {
    if (v.number < 1 || v.number > 10000) return "bad version number " + std::to_string(v.number);
    if (auto e = CheckText("version", v.date + v.size, 256)) return e;
  }
  if (p.latest_version < 0 || p.latest_version > 10000) return "bad version number";
  return std::nullopt;
}

std::optional<std::string> ValidateDailyEntry(DailyEntry& e) {
  auto date = ParseIsoDate(e.date);
  if (!date) return date.error().message;
  e.date = FormatDate(*date);
  for (auto* f : {&e.submitted_by, &e.submitted_at, &e.github_repo, &e.project_page, &e.source}) {
    if (auto err = CheckText("daily entry field", *f, 2048)) return err;
  }
  if (!e.github_repo.empty() && !IsHttpUrl(e.github_repo)) e.github_repo.clear();
  if (!e.project_page.empty() && !IsHttpUrl(e.project_page)) e.project_page.clear();
  if (e.upvotes < 0) e.upvotes = 0;
  if (e.num_comments < 0) e.num_comments = 0;
  return std::nullopt;
}

StoreSink::StoreSink(storage::Store& store, Counts* counts, Counts* daily_counts,
                     RejectFn on_reject, std::function<Status()> after_record)
    : store_(store),
      counts_(counts),
      daily_counts_(daily_counts),
      on_reject_(std::move(on_reject)),
      after_record_(std::move(after_record)) {}

void StoreSink::Count(storage::WriteOutcome outcome, Counts* counts) {
  switch (outcome) {
    case storage::WriteOutcome::kInserted:
      ++counts->inserted;
      break;
    case storage::WriteOutcome::kUpdated:
      ++counts->updated;
      break;
    case storage::WriteOutcome::kUnchanged:
      ++counts->unchanged;
      break;
  }
}

void StoreSink::AfterRecord() {
  if (status_ && after_record_) status_ = after_record_();
}

void StoreSink::OnPaper(Paper paper, const SourcePos& pos) {
  if (!status_) return;
  ++counts_->read;
  if (paper.id.empty() && !paper.title.empty()) {
    HoldUnkeyed(std::move(paper), pos);
    return;
  }
  if (auto reason = ValidatePaper(paper)) {
    OnReject(pos, *reason);
    --counts_->read;  // OnReject counted it already
    return;
  }
  auto outcome = store_.UpsertPaper(paper);
  if (!outcome) {
    status_ = tl::unexpected(outcome.error());
    return;
  }
  Count(*outcome, counts_);
  AfterRecord();
}

void StoreSink::HoldUnkeyed(Paper paper, const SourcePos& pos) {
  paper.id = "0704.0001";  // any valid id: ValidatePaper checks the other fields
  if (auto reason = ValidatePaper(paper)) {
    OnReject(pos, *reason);
    --counts_->read;
    return;
  }
  paper.id.clear();
  auto outcome = store_.UpsertUnkeyedPaper(paper, pos.file);
  if (!outcome) {
    status_ = tl::unexpected(outcome.error());
    return;
  }
  ++counts_->held;
  AfterRecord();
}

void StoreSink::OnDailyEntry(DailyEntry entry, Paper paper, const SourcePos& pos) {
  if (!status_) return;
  ++counts_->read;
  std::optional<std::string> reason = ValidatePaper(paper);
  if (!reason) {
    entry.paper_id = paper.id;
    reason = ValidateDailyEntry(entry);
  }
  if (reason) {
    OnReject(pos, *reason);
    --counts_->read;
    return;
  }
  auto p = store_.UpsertPaper(paper);
  if (!p) {
    status_ = tl::unexpected(p.error());
    return;
  }
  auto e = store_.UpsertDailyEntry(entry);
  if (!e) {
    status_ = tl::unexpected(e.error());
    return;
  }
  ++daily_counts_->read;
  Count(*e, daily_counts_);
  // The record counts as what happened to it as a whole: new if either the
  // paper or its entry is new, changed if either changed.
  using storage::WriteOutcome;
  WriteOutcome combined =
      (*p == WriteOutcome::kInserted || *e == WriteOutcome::kInserted) ? WriteOutcome::kInserted
      : (*p == WriteOutcome::kUpdated || *e == WriteOutcome::kUpdated) ? WriteOutcome::kUpdated
                                                                       : WriteOutcome::kUnchanged;
  Count(combined, counts_);
  AfterRecord();
}

void StoreSink::OnReject(const SourcePos& pos, std::string reason) {
  ++counts_->read;
  ++counts_->rejected;
  if (on_reject_) on_reject_(pos, reason);
}

void StoreSink::OnResumption(const std::string& token, int64_t complete_list_size) {
  resumption_token_ = token;
  complete_list_size_ = complete_list_size;
}

}  // namespace paperpulse::ingest
