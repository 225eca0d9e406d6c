#include <algorithm>

#include "paperpulse/storage/store.h"

namespace paperpulse::storage {
namespace {

template <typename T>
void Take(T& field, const T& incoming, bool newer) {
  if (incoming.empty()) return;
  if (newer || field.empty()) field = incoming;
}

}  // namespace

Paper MergePaper(const Paper& stored, const Paper& incoming) {
  Paper out = stored;
  bool newer = incoming.latest_version > stored.latest_version;
  Take(out.title, incoming.title, newer);
  Take(out.abstract, incoming.abstract, newer);
  Take(out.authors, incoming.authors, newer);
  Take(out.categories, incoming.categories, newer);
  if (!newer && incoming.latest_version == stored.latest_version) {
    // A cross-list adds categories without a new version: keep the stored
    // order (primary first) and append what is new.
    for (const std::string& c : incoming.categories) {
      if (std::find(out.categories.begin(), out.categories.end(), c) == out.categories.end()) {
        out.categories.push_back(c);
      }
    }
  }
  Take(out.comments, incoming.comments, newer);
  Take(out.journal_ref, incoming.journal_ref, newer);
  Take(out.doi, incoming.doi, newer);
  Take(out.license, incoming.license, newer);

  for (const PaperVersion& v : incoming.versions) {
    auto it = std::find_if(out.versions.begin(), out.versions.end(),
                           [&](const PaperVersion& o) { return o.number == v.number; });
    if (it == out.versions.end()) {
      out.versions.push_back(v);
    } else {
      if (it->date.empty()) it->date = v.date;
      if (it->size.empty()) it->size = v.size;
    }
  }
  std::sort(out.versions.begin(), out.versions.end(),
            [](const PaperVersion& a, const PaperVersion& b) { return a.number < b.number; });

  out.latest_version = std::max(stored.latest_version, incoming.latest_version);
  if (!out.versions.empty())
    out.latest_version = std::max(out.latest_version, out.versions.back().number);

  // The first version's date is the truth for "submitted" when known;
  // otherwise the earliest date any source gave.
  if (!out.versions.empty() && out.versions.front().number == 1 &&
      !out.versions.front().date.empty()) {
    out.submitted = out.versions.front().date;
  } else if (!incoming.submitted.empty() &&
             (out.submitted.empty() || incoming.submitted < out.submitted)) {
    out.submitted = incoming.submitted;
  }
  out.updated = std::max(stored.updated, incoming.updated);
  if (!out.versions.empty()) out.updated = std::max(out.updated, out.versions.back().date);
  return out;
}

std::string TitleKey(std::string_view title) {
  std::string out;
  out.reserve(title.size());
  bool space = false;
  for (char ch : title) {
    auto c = static_cast<unsigned char>(ch);
    bool keep = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c >= 0x80;
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<unsigned char>(c - 'A' + 'a');
      keep = true;
    }
    if (!keep) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

DailyEntry MergeDailyEntry(const DailyEntry& stored, const DailyEntry& incoming) {
  DailyEntry out = stored;
  out.upvotes = std::max(stored.upvotes, incoming.upvotes);
  out.num_comments = std::max(stored.num_comments, incoming.num_comments);
  if (incoming.github_stars && (!out.github_stars || *incoming.github_stars > *out.github_stars)) {
    out.github_stars = incoming.github_stars;
  }
  Take(out.submitted_by, incoming.submitted_by, false);
  Take(out.github_repo, incoming.github_repo, false);
  Take(out.project_page, incoming.project_page, false);
  Take(out.source, incoming.source, false);
  Take(out.published_at, incoming.published_at, false);
  // The organisation's name and display name come as a pair.
  if (out.organization.empty() && !incoming.organization.empty()) {
    out.organization = incoming.organization;
    out.organization_fullname = incoming.organization_fullname;
  }
  Take(out.ai_summary, incoming.ai_summary, false);
  Take(out.ai_keywords, incoming.ai_keywords, false);
  if (!incoming.submitted_at.empty() &&
      (out.submitted_at.empty() || incoming.submitted_at < out.submitted_at)) {
    out.submitted_at = incoming.submitted_at;
  }
  return out;
}

}  // namespace paperpulse::storage
