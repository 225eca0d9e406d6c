#include "paperpulse/search/xapian/schema.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/search/text.h"

namespace paperpulse::search::xapian {
namespace {

// Position gaps between fields and between authors, so that a phrase never
// spans two of them.
constexpr Xapian::termpos kFieldGap = 100;
constexpr Xapian::termpos kAuthorGap = 10;
// Author lists of big collaborations run into the thousands; the first ones
// are those people search for.
constexpr size_t kMaxAuthors = 200;
// Terms are limited to 245 bytes by Xapian.
constexpr size_t kMaxExactTitleBytes = 200;

constexpr char kFieldSep = '\x1e';
constexpr char kListSep = '\x1f';

std::string Prefixed(std::string_view prefix, std::string_view word) {
  std::string t(prefix);
  t += word;
  return t;
}

bool IsNameSuffix(std::string_view w) {
  return w == "jr" || w == "sr" || w == "ii" || w == "iii" || w == "iv";
}

bool IsNameParticle(std::string_view w) {
  static constexpr std::string_view kParticles[] = {"da", "dal", "de",  "del", "della", "der",
                                                    "di", "dos", "du",  "la",  "le",    "san",
                                                    "st", "ten", "ter", "van", "von",   "zu"};
  return std::find(std::begin(kParticles), std::end(kParticles), w) != std::end(kParticles);
}

std::string Join(const std::vector<std::string>& words, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    if (!out.empty()) out.push_back(' ');
    out += words[i];
  }
  return out;
}

// Appends `s` to the stored data with the separators replaced by spaces.
void AppendField(std::string& out, std::string_view s) {
  for (char c : s) out.push_back(c == kFieldSep || c == kListSep ? ' ' : c);
}

void AppendList(std::string& out, const std::vector<std::string>& items) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(kListSep);
    AppendField(out, items[i]);
  }
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(kListSep, start);
    out.emplace_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::string IdTerm(std::string_view base_id) { return Prefixed(kIdPrefix, base_id); }

std::string ExactTitleTerm(std::string_view normalized_title) {
  if (normalized_title.size() <= kMaxExactTitleBytes) {
    return Prefixed(kExactTitlePrefix, normalized_title);
  }
  // Long titles: a cut plus a hash of the whole keeps terms short and unique.
  std::string t = Prefixed(kExactTitlePrefix, normalized_title.substr(0, kMaxExactTitleBytes));
  char hash[24];
  std::snprintf(hash, sizeof hash, "#%016llx",
                static_cast<unsigned long long>(Fnv1a(normalized_title)));
  t += hash;
  return t;
}

Stemmer::Stemmer() : stem_("english") {}

const std::string& Stemmer::Stem(const std::string& word) {
  auto it = memo_.find(word);
  if (it != memo_.end()) return it->second;
  // The vocabulary of all of arXiv fits easily; this only guards against
  // pathological input growing the memo without bound.
  if (memo_.size() > 2'000'000) memo_.clear();
  return memo_.emplace(word, stem_(word)).first->second;
}

AuthorTerms AuthorNameForms(std::string_view author) {
  AuthorTerms out;
  // "Surname, Forename" (some sources) is read as "Forename Surname".
  std::vector<Token> tokens;
  if (auto comma = author.find(','); comma != std::string_view::npos) {
    std::vector<Token> surname = Tokenize(author.substr(0, comma));
    tokens = Tokenize(author.substr(comma + 1));
    tokens.insert(tokens.end(), surname.begin(), surname.end());
  } else {
    tokens = Tokenize(author);
  }
  std::vector<std::string> words;
  for (auto& t : tokens) words.push_back(std::move(t.text));
  while (words.size() > 1 && IsNameSuffix(words.back())) words.pop_back();
  if (words.empty()) return out;
  size_t last = words.size() - 1;
  out.surnames.push_back(words[last]);
  size_t surname_begin = last;
  while (surname_begin > 1 && IsNameParticle(words[surname_begin - 1])) {
    --surname_begin;
    out.surnames.push_back(Join(words, surname_begin, words.size()));
  }
  out.full_names.push_back(Join(words, 0, words.size()));
  if (surname_begin > 0) {
    std::string initial_form(1, words[0][0]);
    initial_form += ' ';
    initial_form += Join(words, surname_begin, words.size());
    if (initial_form != out.full_names[0]) out.full_names.push_back(std::move(initial_form));
  }
  return out;
}

std::string DateKey(const Paper& paper) {
  auto digits = [](std::string_view ts) -> std::string {
    if (ts.size() < 10 || ts[4] != '-' || ts[7] != '-') return "";
    std::string out;
    out += ts.substr(0, 4);
    out += ts.substr(5, 2);
    out += ts.substr(8, 2);
    return out.find_first_not_of("0123456789") == std::string::npos ? out : "";
  };
  std::string key = digits(paper.submitted);
  if (key.empty() && !paper.versions.empty()) key = digits(paper.versions.front().date);
  if (key.empty()) key = digits(paper.updated);
  if (key.empty()) {
    if (auto id = ParseArxivId(paper.id); id && id->Year() > 0) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d%02d01", id->Year(), id->Month());
      key = buf;
    }
  }
  return key;
}

namespace {

// The boolean and author terms and the values both layouts share: id, exact
// title (of the already tokenised title), author name forms, categories,
// year, and the date, upvotes and trending values.
void AddLookupTerms(const IndexDocument& doc, const std::vector<Token>& title,
                    Xapian::Document& d) {
  const Paper& p = doc.paper;
  d.add_boolean_term(IdTerm(p.id));
  if (!title.empty()) {
    std::string normalized;
    for (const Token& t : title) {
      if (!normalized.empty()) normalized.push_back(' ');
      normalized += t.text;
    }
    d.add_boolean_term(ExactTitleTerm(normalized));
  }
  size_t n_authors = std::min(p.authors.size(), kMaxAuthors);
  for (size_t i = 0; i < n_authors; ++i) {
    AuthorTerms forms = AuthorNameForms(p.authors[i]);
    for (const auto& s : forms.surnames) d.add_term(Prefixed(kSurnamePrefix, s));
    for (const auto& n : forms.full_names) d.add_term(Prefixed(kFullNamePrefix, n));
  }
  for (const std::string& cat : p.categories) {
    std::string lower;
    for (char c : cat) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    d.add_boolean_term(Prefixed(kCategoryPrefix, lower));
    if (auto dot = lower.find('.'); dot != std::string::npos) {
      d.add_boolean_term(Prefixed(kCategoryPrefix, lower.substr(0, dot)));
    }
  }
  std::string date = DateKey(p);
  if (!date.empty()) {
    d.add_boolean_term(Prefixed(kYearPrefix, date.substr(0, 4)));
    d.add_value(kDateSlot, date);
  }
  d.add_value(kUpvotesSlot, Xapian::sortable_serialise(static_cast<double>(doc.upvotes)));
  d.add_value(kTrendingSlot, Xapian::sortable_serialise(doc.trending));
}

}  // namespace

void AddSpelling(SpellingCounts& words, Xapian::WritableDatabase& db) {
  for (const auto& [word, count] : words) db.add_spelling(word, count);
  words.clear();
}

Xapian::Document BuildDocument(const IndexDocument& doc, Stemmer& stemmer,
                               SpellingCounts* spelling) {
  const Paper& p = doc.paper;
  Xapian::Document d;
  std::vector<Token> title = Tokenize(p.title);
  AddLookupTerms(doc, title, d);

  Xapian::termpos pos = 0;
  for (const Token& t : title) {
    const std::string& stem = stemmer.Stem(t.text);
    ++pos;
    d.add_posting(Prefixed(kStemPrefix, stem), pos, kTitleBoost);
    d.add_posting(Prefixed(kTitlePrefix, stem), pos);
    if (spelling && t.text.size() >= 3 && !IsStopWord(t.text)) ++(*spelling)[t.text];
  }

  pos += kFieldGap;
  for (const Token& t : Tokenize(p.abstract)) {
    const std::string& stem = stemmer.Stem(t.text);
    d.add_posting(Prefixed(kStemPrefix, stem), ++pos);
    d.add_term(Prefixed(kAbstractPrefix, stem));
  }

  pos += kFieldGap;
  size_t n_authors = std::min(p.authors.size(), kMaxAuthors);
  for (size_t i = 0; i < n_authors; ++i) {
    for (const Token& t : Tokenize(p.authors[i])) {
      d.add_posting(Prefixed(kStemPrefix, stemmer.Stem(t.text)), ++pos);
    }
    pos += kAuthorGap;
  }
  d.set_data(EncodeStoredPaper(doc));
  return d;
}

Xapian::Document BuildLookupDocument(const IndexDocument& doc) {
  Xapian::Document d;
  AddLookupTerms(doc, Tokenize(doc.paper.title), d);
  // Hits show the title, authors and date; the abstract (most of a
  // document's bytes) is left out: lookup hits have no snippet.
  IndexDocument stored;
  stored.paper.id = doc.paper.id;
  stored.paper.title = doc.paper.title;
  stored.paper.authors = doc.paper.authors;
  stored.paper.categories = doc.paper.categories;
  stored.paper.submitted = doc.paper.submitted;
  stored.upvotes = doc.upvotes;
  stored.trending = doc.trending;
  d.set_data(EncodeStoredPaper(stored));
  return d;
}

std::string EncodeStoredPaper(const IndexDocument& doc) {
  const Paper& p = doc.paper;
  std::string out = "1";
  out.push_back(kFieldSep);
  AppendField(out, p.id);
  out.push_back(kFieldSep);
  AppendField(out, p.title);
  out.push_back(kFieldSep);
  AppendList(out, p.authors);
  out.push_back(kFieldSep);
  AppendList(out, p.categories);
  out.push_back(kFieldSep);
  AppendField(out, p.submitted);
  out.push_back(kFieldSep);
  AppendField(out, p.abstract);
  out.push_back(kFieldSep);
  out += std::to_string(doc.upvotes);
  out.push_back(kFieldSep);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", doc.trending);
  out += buf;
  return out;
}

Result<StoredPaper> DecodeStoredPaper(const std::string& data) {
  std::vector<std::string_view> f;
  std::string_view s = data;
  size_t start = 0;
  while (true) {
    size_t end = s.find(kFieldSep, start);
    f.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (f.size() != 9 || f[0] != "1") {
    return Fail(ErrorCode::kInternal, "index document data of an unknown layout");
  }
  StoredPaper p;
  p.id = f[1];
  p.title = f[2];
  p.authors = SplitList(f[3]);
  p.categories = SplitList(f[4]);
  p.published_at = f[5];
  p.abstract = f[6];
  std::from_chars(f[7].data(), f[7].data() + f[7].size(), p.upvotes);
  p.trending = std::strtod(std::string(f[8]).c_str(), nullptr);
  return p;
}

Error XapianError(const Xapian::Error& e, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += e.get_type();
  msg += ": ";
  msg += e.get_msg();
  // Xapian::Error is not polymorphic: its type name tells the subclass.
  std::string_view type = e.get_type();
  ErrorCode code = ErrorCode::kInternal;
  if (type == "DatabaseLockError") {
    code = ErrorCode::kUnavailable;
  } else if (type == "DatabaseCorruptError" || type == "DatabaseVersionError" ||
             type == "DatabaseOpeningError" || type == "DatabaseNotFoundError") {
    code = ErrorCode::kParse;
  }
  // The system's reason, when a system call failed ("Error writing block
  // 112" alone does not say that the disk is full).
  if (const char* why = e.get_error_string(); why != nullptr && *why != '\0') {
    msg += " (";
    msg += why;
    msg += ")";
    if (code == ErrorCode::kInternal) code = ErrorCode::kIo;
  }
  return Error{code, std::move(msg)};
}

}  // namespace paperpulse::search::xapian
