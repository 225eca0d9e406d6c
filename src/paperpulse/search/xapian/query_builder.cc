#include "paperpulse/search/xapian/query_builder.h"

#include <algorithm>
#include <map>

#include "paperpulse/search/text.h"
#include "paperpulse/search/xapian/schema.h"

namespace paperpulse::search::xapian {
namespace {

// A wildcard expands to at most this many terms (the most frequent ones).
constexpr Xapian::termcount kMaxWildcardExpansion = 100;
// Corrections within this many edits.
constexpr unsigned kMaxEditDistance = 2;
// A known word is corrected only when it is in at most this many papers and
// its correction in this many times more.
constexpr Xapian::doccount kRareTermFreq = 3;
constexpr Xapian::doccount kCorrectionAdvantage = 50;

struct Correction {
  size_t begin, end;
  std::string word;
};

std::string Prefixed(std::string_view prefix, std::string_view word) {
  std::string t(prefix);
  t += word;
  return t;
}

Xapian::Query Boolean(Xapian::Query q) {
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, 0);
}

class Builder {
 public:
  Builder(std::string_view text, const Xapian::Database& db, const Xapian::Stem& stemmer)
      : text_(text), db_(db), stemmer_(stemmer) {}

  BuiltQuery Run(const QueryNode& root) {
    out_.query = Build(root, /*negated=*/false);
    AddTitlePhraseBoost(root);
    if (!corrections_.empty()) {
      std::sort(corrections_.begin(), corrections_.end(),
                [](const Correction& a, const Correction& b) { return a.begin < b.begin; });
      std::string corrected;
      size_t cursor = 0;
      for (const Correction& c : corrections_) {
        if (c.begin < cursor) continue;
        corrected += text_.substr(cursor, c.begin - cursor);
        corrected += c.word;
        cursor = c.end;
      }
      corrected += text_.substr(cursor);
      out_.corrected = std::move(corrected);
    }
    return std::move(out_);
  }

 private:
  Xapian::Query Build(const QueryNode& n, bool negated) {
    switch (n.kind) {
      case QueryNode::Kind::kLeaf:
        return Leaf(n, negated);
      case QueryNode::Kind::kAnd:
        return Combine(Xapian::Query::OP_AND, n, negated);
      case QueryNode::Kind::kOr:
      case QueryNode::Kind::kRanked:
        return Combine(Xapian::Query::OP_OR, n, negated);
      case QueryNode::Kind::kAndNot: {
        Xapian::Query positive = Build(*n.children[0], negated);
        std::vector<Xapian::Query> excluded;
        for (size_t i = 1; i < n.children.size(); ++i) {
          Xapian::Query q = Build(*n.children[i], !negated);
          if (!q.empty()) excluded.push_back(q);
        }
        if (positive.empty() || excluded.empty()) return positive;
        return Xapian::Query(Xapian::Query::OP_AND_NOT, positive,
                             Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end()));
      }
    }
    return Xapian::Query();
  }

  // Words of plain free text (leaves of the root and of its ranked groups),
  // in query order; false when the query has anything else.
  static bool PlainWords(const QueryNode& n, std::vector<const QueryNode*>& out) {
    if (n.kind == QueryNode::Kind::kLeaf) {
      if (n.field != Field::kAny || n.prefix || n.phrase || n.words.size() != 1) return false;
      out.push_back(&n);
      return true;
    }
    if (n.kind != QueryNode::Kind::kRanked) return false;
    for (const auto& c : n.children) {
      if (!PlainWords(*c, out)) return false;
    }
    return true;
  }

  // Known-item help for plain text of several words: papers whose title has
  // the words as a phrase (a title typed from memory, or its first words)
  // score the phrase's title terms once more. Stop words take part (titles
  // keep them), corrections are used.
  void AddTitlePhraseBoost(const QueryNode& root) {
    std::vector<const QueryNode*> words;
    if (out_.query.empty() || !PlainWords(root, words) || words.size() < 2) return;
    std::vector<Xapian::Query> terms;
    for (const QueryNode* w : words) {
      auto corrected = corrected_stems_.find(w);
      std::string stem =
          corrected != corrected_stems_.end() ? corrected->second : stemmer_(w->words[0].text);
      terms.emplace_back(Prefixed(kTitlePrefix, stem));
    }
    Xapian::Query phrase(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(), terms.size());
    out_.query = Xapian::Query(Xapian::Query::OP_OR, out_.query, phrase);
  }

  Xapian::Query Combine(Xapian::Query::op op, const QueryNode& n, bool negated) {
    std::vector<Xapian::Query> parts;
    for (const auto& c : n.children) {
      Xapian::Query q = Build(*c, negated);
      if (!q.empty()) parts.push_back(q);
    }
    if (parts.empty()) return Xapian::Query();
    if (parts.size() == 1) return parts[0];
    return Xapian::Query(op, parts.begin(), parts.end());
  }

  Xapian::Query Leaf(const QueryNode& n, bool negated) {
    switch (n.field) {
      case Field::kCategory:
        return Boolean(Xapian::Query(Prefixed(kCategoryPrefix, n.value)));
      case Field::kId:
        return Boolean(Xapian::Query(IdTerm(n.value)));
      case Field::kYear: {
        std::vector<Xapian::Query> years;
        for (int y = n.year_from; y <= n.year_to; ++y) {
          years.emplace_back(Prefixed(kYearPrefix, std::to_string(y)));
        }
        return Boolean(Xapian::Query(Xapian::Query::OP_OR, years.begin(), years.end()));
      }
      case Field::kAuthor:
        return Author(n);
      case Field::kAny:
        return Text(n, kStemPrefix, negated);
      case Field::kTitle:
        return Text(n, kTitlePrefix, negated);
      case Field::kAbstract:
        return Text(n, kAbstractPrefix, negated);
    }
    return Xapian::Query();
  }

  Xapian::Query Author(const QueryNode& n) {
    out_.scored = true;
    if (n.prefix) return Wildcard(Prefixed(kSurnamePrefix, n.words[0].text));
    if (n.words.size() == 1) return Xapian::Query(Prefixed(kSurnamePrefix, n.words[0].text));
    std::string joined;
    for (const auto& w : n.words) {
      if (!joined.empty()) joined.push_back(' ');
      joined += w.text;
    }
    // "van beethoven" is a surname, "yann lecun" a full name, "y lecun" an
    // initial form: one of them matches.
    return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(Prefixed(kFullNamePrefix, joined)),
                         Xapian::Query(Prefixed(kSurnamePrefix, joined)));
  }

  static Xapian::Query Wildcard(const std::string& pattern) {
    return Xapian::Query(Xapian::Query::OP_WILDCARD, pattern, kMaxWildcardExpansion,
                         Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
  }

  // Free text, title: or abs: words.
  Xapian::Query Text(const QueryNode& n, std::string_view prefix, bool negated) {
    out_.scored = true;
    if (n.prefix) {
      const std::string& word = n.words[0].text;
      if (!negated) out_.highlight_prefixes.push_back(word);
      // Stems are indexed: "transfo*" finds "transform", and the stem of a
      // whole word ("attention*" -> "attent") finds its inflections.
      std::string stem = stemmer_(word);
      Xapian::Query q = Wildcard(Prefixed(prefix, word));
      if (stem != word && word.rfind(stem, 0) == 0) {
        q = Xapian::Query(Xapian::Query::OP_OR, q, Wildcard(Prefixed(prefix, stem)));
      }
      return q;
    }
    if (n.phrase && n.words.size() > 1) return Phrase(n, prefix, negated);
    const QueryWord& w = n.words[0];
    if (!n.phrase && IsStopWord(w.text)) {
      out_.dropped_stop_words.push_back(w.text);
      return Xapian::Query();
    }
    std::string stem = stemmer_(w.text);
    std::string term = Prefixed(prefix, stem);
    // Unknown words, and words so rare that a common word a typo away is
    // far more likely meant ("atention": a few TeX fragments, vs thousands of
    // "attention"), are corrected. A rare word may still be meant ("SAM4D"):
    // it is kept beside its correction.
    Xapian::doccount freq = n.phrase ? 1 : db_.get_termfreq(term);
    if (!n.phrase && freq <= kRareTermFreq) {
      std::string suggestion = db_.get_spelling_suggestion(w.text, kMaxEditDistance);
      if (!suggestion.empty() && suggestion != w.text &&
          (freq == 0 || db_.get_termfreq(Prefixed(prefix, stemmer_(suggestion))) >=
                            kCorrectionAdvantage * freq)) {
        corrections_.push_back({w.begin, w.end, suggestion});
        std::string corrected_stem = stemmer_(suggestion);
        corrected_stems_[&n] = corrected_stem;
        if (!negated) out_.highlight_stems.insert(corrected_stem);
        Xapian::Query corrected(Prefixed(prefix, corrected_stem));
        if (freq == 0) return corrected;
        if (!negated) out_.highlight_stems.insert(stem);
        return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(term), corrected);
      }
    }
    if (!negated) out_.highlight_stems.insert(stem);
    return Xapian::Query(term);
  }

  Xapian::Query Phrase(const QueryNode& n, std::string_view prefix, bool negated) {
    // Positions live on the Z (all text) and ZS (title) stems; abs:"..." is
    // the phrase anywhere in the text with every word in the abstract.
    std::string_view positional = prefix == kAbstractPrefix ? kStemPrefix : prefix;
    std::vector<Xapian::Query> terms, in_abstract;
    for (const auto& w : n.words) {
      std::string stem = stemmer_(w.text);
      if (!negated) out_.highlight_stems.insert(stem);
      terms.emplace_back(Prefixed(positional, stem));
      if (prefix == kAbstractPrefix) in_abstract.emplace_back(Prefixed(prefix, stem));
    }
    Xapian::Query phrase(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(), terms.size());
    if (in_abstract.empty()) return phrase;
    return Xapian::Query(
        Xapian::Query::OP_FILTER, phrase,
        Xapian::Query(Xapian::Query::OP_AND, in_abstract.begin(), in_abstract.end()));
  }

  std::string_view text_;
  const Xapian::Database& db_;
  const Xapian::Stem& stemmer_;
  BuiltQuery out_;
  std::vector<Correction> corrections_;
  std::map<const QueryNode*, std::string> corrected_stems_;
};

}  // namespace

BuiltQuery BuildQuery(const QueryNode& root, std::string_view text, const Xapian::Database& db,
                      const Xapian::Stem& stemmer) {
  return Builder(text, db, stemmer).Run(root);
}

}  // namespace paperpulse::search::xapian
