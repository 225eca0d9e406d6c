#include "paperpulse/digest/select.h"

#include <algorithm>
#include <unordered_map>

#include "paperpulse/base/strings.h"
#include "paperpulse/digest/render.h"
#include "paperpulse/ranking/trending.h"

namespace paperpulse::digest {
namespace {

bool IsWordByte(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u >= 0x80;
}

}  // namespace

Result<std::vector<Candidate>> LoadCandidates(storage::Store& store, const Period& period) {
  ASSIGN_OR_RETURN(std::vector<DailyEntry> entries,
                   store.DailyEntriesBetween(period.first, period.last));
  // Entries come by date: a later one of the same paper replaces the earlier.
  std::unordered_map<std::string, size_t> at;
  std::vector<Candidate> out;
  for (DailyEntry& e : entries) {
    auto [it, fresh] = at.emplace(e.paper_id, out.size());
    if (fresh) {
      out.emplace_back();
    } else if (out[it->second].entry.date > e.date) {
      continue;
    }
    out[it->second].entry = std::move(e);
  }
  for (Candidate& c : out) {
    ASSIGN_OR_RETURN(std::optional<Paper> paper, store.GetPaper(c.entry.paper_id));
    if (!paper) {
      paper.emplace();
      paper->id = c.entry.paper_id;
    }
    c.paper = std::move(*paper);
    c.trending = ranking::TrendingScore(ranking::InputsOf(c.entry));
    c.text = AsciiLower(c.paper.title);
    c.text += '\n';
    c.text += AsciiLower(c.paper.abstract);
    c.excerpt = ExcerptOf(c.paper.abstract);
    c.reason = ranking::ExplainTrending(ranking::InputsOf(c.entry), period.last);
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    if (a.trending != b.trending) return a.trending > b.trending;
    if (a.entry.upvotes != b.entry.upvotes) return a.entry.upvotes > b.entry.upvotes;
    return a.paper.id < b.paper.id;
  });
  return out;
}

bool InCategories(const std::vector<std::string>& categories,
                  const std::vector<std::string>& wanted) {
  if (wanted.empty()) return true;
  for (const std::string& c : categories) {
    for (const std::string& w : wanted) {
      if (c.size() < w.size()) continue;
      if (c.compare(0, w.size(), w) != 0) continue;
      if (c.size() == w.size() || c[w.size()] == '.') return true;
    }
  }
  return false;
}

bool ContainsKeyword(std::string_view lowered_text, std::string_view keyword) {
  std::string k = AsciiLower(TrimView(keyword));
  if (k.empty()) return false;
  for (size_t pos = lowered_text.find(k); pos != std::string_view::npos;
       pos = lowered_text.find(k, pos + 1)) {
    if (pos == 0 || !IsWordByte(lowered_text[pos - 1])) return true;
  }
  return false;
}

bool Matches(const Subscription& s, const Candidate& c) {
  if (c.entry.upvotes < s.min_upvotes) return false;
  if (!InCategories(c.paper.categories, s.categories)) return false;
  if (s.keywords.empty()) return true;
  return std::any_of(s.keywords.begin(), s.keywords.end(),
                     [&](const std::string& k) { return ContainsKeyword(c.text, k); });
}

std::string ExcerptOf(std::string_view abstract) {
  constexpr size_t kExcerptBytes = 320;
  // Collapsing a whole abstract to show its start: cut generously first.
  return Excerpt(CollapseWhitespace(abstract.substr(0, 2 * kExcerptBytes)), kExcerptBytes);
}

std::vector<const Candidate*> Matcher::Matching(const Subscription& s, size_t limit) {
  std::vector<const Candidate*> out;
  std::vector<const std::vector<char>*> keyword_hits;
  for (const std::string& k : s.keywords) keyword_hits.push_back(&Hits(k));
  for (size_t i = 0; i < ranked_.size() && out.size() < limit; ++i) {
    const Candidate& c = ranked_[i];
    if (c.entry.upvotes < s.min_upvotes) continue;
    if (!InCategories(c.paper.categories, s.categories)) continue;
    bool keyword = keyword_hits.empty();
    for (const std::vector<char>* hits : keyword_hits) keyword = keyword || (*hits)[i];
    if (keyword) out.push_back(&c);
  }
  return out;
}

const std::vector<char>& Matcher::Hits(const std::string& keyword) {
  auto [it, fresh] = hits_.try_emplace(keyword);
  if (fresh) {
    it->second.resize(ranked_.size());
    for (size_t i = 0; i < ranked_.size(); ++i) {
      it->second[i] = ContainsKeyword(ranked_[i].text, keyword) ? 1 : 0;
    }
  }
  return it->second;
}

}  // namespace paperpulse::digest
