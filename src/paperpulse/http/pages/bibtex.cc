#include "paperpulse/http/pages/bibtex.h"

#include <array>
#include <cctype>
#include <iterator>
#include <map>
#include <set>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

// `s` reduced to its lower-case ASCII letters and digits.
std::string KeyPart(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && std::isalnum(u)) out.push_back(static_cast<char>(std::tolower(u)));
  }
  return out;
}

std::string Year(const Paper& paper) {
  if (paper.submitted.size() >= 4 && paper.submitted.find_first_not_of("0123456789") >= 4) {
    return paper.submitted.substr(0, 4);
  }
  if (auto id = ParseArxivId(paper.id)) return std::to_string(id->Year());
  return {};
}

// True when every '}' closes an earlier '{' and none stays open.
bool BracesBalance(std::string_view s) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;  // \{ and \} are literal braces in TeX
      continue;
    }
    if (s[i] == '{') ++depth;
    if (s[i] == '}' && --depth < 0) return false;
  }
  return depth == 0;
}

std::string FieldValue(std::string_view s) {
  std::string v = CollapseWhitespace(s);
  if (BracesBalance(v)) return v;
  std::string out;
  for (char c : v) {
    if (c != '{' && c != '}') out.push_back(c);
  }
  return CollapseWhitespace(out);
}

void AddField(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  out += "  ";
  out += name;
  out += " = {";
  out += FieldValue(value);
  out += "},\n";
}

// Bijective base 26: 0 -> "a", 25 -> "z", 26 -> "aa".
std::string LetterSuffix(size_t n) {
  std::string s;
  for (++n; n > 0; n = (n - 1) / 26) s.insert(s.begin(), static_cast<char>('a' + (n - 1) % 26));
  return s;
}

// A keyword inside a braced BibTeX value: braces and backslashes would end
// or escape it.
std::string BibtexKeyword(std::string_view keyword) {
  std::string out;
  for (char c : keyword) {
    if (c != '{' && c != '}' && c != '\\') out.push_back(c);
  }
  return CollapseWhitespace(out);
}

}  // namespace

std::string BibtexKey(const Paper& paper) {
  std::string key;
  if (!paper.authors.empty()) {
    std::string_view name = TrimView(paper.authors.front());
    // The surname is the last word ("Ashish Vaswani"); suffixes such as
    // "Jr." are skipped.
    auto words = Split(name, ' ');
    for (size_t i = words.size(); i-- > 0;) {
      std::string part = KeyPart(words[i]);
      if (part.empty() || part == "jr" || part == "sr" || part == "ii" || part == "iii") continue;
      key = part;
      break;
    }
  }
  if (key.empty()) key = "arxiv";
  key += Year(paper);
  static constexpr std::array<std::string_view, 12> kSkip = {
      "a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "is", "are"};
  std::string title = CollapseWhitespace(paper.title);
  for (std::string_view word : Split(title, ' ')) {
    std::string part = KeyPart(word);
    if (part.empty()) continue;
    bool skip = false;
    for (auto s : kSkip) skip = skip || part == s;
    if (skip) continue;
    key += part;
    break;
  }
  return key;
}

std::string Bibtex(const Paper& paper) {
  std::string out = "@misc{" + BibtexKey(paper) + ",\n";
  AddField(out, "title", paper.title);
  std::string authors;
  for (const std::string& a : paper.authors) {
    if (!authors.empty()) authors += " and ";
    authors += a;
  }
  AddField(out, "author", authors);
  AddField(out, "year", Year(paper));
  AddField(out, "eprint", paper.id);
  AddField(out, "archivePrefix", "arXiv");
  if (!paper.categories.empty()) AddField(out, "primaryClass", paper.categories.front());
  AddField(out, "doi", paper.doi);
  AddField(out, "url", "https://arxiv.org/abs/" + paper.id);
  out += "}\n";
  return out;
}

std::string BibtexFile(const std::vector<BibtexFileEntry>& entries) {
  std::map<std::string, std::set<std::string>> ids_of_key;
  for (const BibtexFileEntry& e : entries) ids_of_key[BibtexKey(*e.paper)].insert(e.paper->id);
  std::string out;
  for (const BibtexFileEntry& e : entries) {
    std::string key = BibtexKey(*e.paper);
    std::string entry = Bibtex(*e.paper);
    const std::set<std::string>& sharing = ids_of_key[key];
    auto rank = static_cast<size_t>(std::distance(sharing.begin(), sharing.find(e.paper->id)));
    if (rank > 0) {
      // "@misc{" + key + ",\n…": the first paper keeps the bare key.
      entry.insert(6 + key.size(), LetterSuffix(rank - 1));
    }
    std::string keywords;
    for (const std::string& k : e.keywords) {
      std::string clean = BibtexKeyword(k);
      if (clean.empty()) continue;
      if (!keywords.empty()) keywords += ", ";
      keywords += clean;
    }
    if (!keywords.empty()) {
      // Before the closing "}\n" of the entry.
      entry.insert(entry.size() - 2, "  keywords = {" + keywords + "},\n");
    }
    if (!out.empty()) out += '\n';
    out += entry;
  }
  return CleanText(out);
}

}  // namespace paperpulse::http
