#include "paperpulse/http/paper_markdown.h"

#include <algorithm>
#include <optional>

#include "paperpulse/base/strings.h"
#include "paperpulse/base/url.h"
#include "paperpulse/http/pages/cards.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

// One line of metadata: white space folded, so that it cannot end the
// list item it is written in.
std::string Inline(std::string_view s) { return CollapseWhitespace(CleanText(s)); }

// `s` as the text of a [link](...): brackets and backslashes would end or
// bend the link.
std::string LinkText(std::string_view s) {
  std::string out;
  for (char c : Inline(s)) {
    if (c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// An autolink, or the URL as text when it would not survive as one.
std::string Autolink(std::string_view url) {
  if (url.find_first_of("<> ") != std::string_view::npos) return Inline(url);
  // Built by appending: GCC 12 misreports "<" + std::string() as an
  // overlapping memcpy (-Wrestrict, GCC bug 105329).
  std::string link = "<";
  link += url;
  link += '>';
  return link;
}

bool StartsBlock(std::string_view line) {
  if (line.empty()) return false;
  if (line[0] == '#' || line[0] == '<') return true;
  if (StartsWith(line, "```") || StartsWith(line, "~~~")) return true;
  // A setext underline (or a thematic break) of one repeated character.
  if (line[0] == '=' || line[0] == '-') {
    return line.find_first_not_of(line[0]) == std::string_view::npos;
  }
  return false;
}

// Text paragraphs (an abstract, a summary) as Markdown text: lines kept,
// TeX kept, structure-changing line starts escaped (see the header).
std::string Paragraphs(std::string_view text) {
  std::string clean = CleanText(text);
  std::string out;
  for (std::string_view line : Split(TrimView(clean), '\n')) {
    line = TrimView(line);
    if (StartsBlock(line)) out += '\\';
    out += line;
    out += '\n';
  }
  return out;
}

std::string Date(std::string_view timestamp) { return Inline(timestamp.substr(0, 10)); }

// The q-value of one media range's parameters ("q=0.5"), 1 when absent,
// nullopt when malformed (RFC 9110 §12.4.2: at most three decimals, <= 1).
std::optional<double> QValue(const std::vector<std::string_view>& params) {
  for (std::string_view p : params) {
    size_t eq = p.find('=');
    if (eq == std::string_view::npos || AsciiLower(TrimView(p.substr(0, eq))) != "q") continue;
    std::string_view v = TrimView(p.substr(eq + 1));
    if (v.empty() || (v[0] != '0' && v[0] != '1')) return std::nullopt;
    double q = v[0] - '0';
    if (v.size() > 1) {
      if (v[1] != '.' || v.size() > 5) return std::nullopt;
      double scale = 0.1;
      for (char c : v.substr(2)) {
        if (c < '0' || c > '9') return std::nullopt;
        q += (c - '0') * scale;
        scale /= 10;
      }
    }
    if (q > 1) return std::nullopt;
    return q;
  }
  return 1.0;
}

}  // namespace

std::string PaperMarkdown(const Paper& paper, const std::vector<DailyEntry>& entries,
                          std::string_view base_url) {
  const Paper& p = paper;
  std::string md = "# " + Inline(p.title.empty() ? "arXiv:" + p.id : p.title) + "\n\n";
  if (!p.authors.empty()) {
    md += "**Authors:** ";
    for (size_t i = 0; i < p.authors.size(); ++i) {
      if (i > 0) md += ", ";
      md += Inline(p.authors[i]);
    }
    md += "\n\n";
  }

  std::string abs = "https://arxiv.org/abs/" + p.id;
  md += "- **arXiv:** [" + p.id + "](" + abs + ") · [PDF](https://arxiv.org/pdf/" + p.id + ")\n";
  if (!base_url.empty()) {
    md += "- **Paper page:** " + Autolink(std::string(base_url) + "/papers/" + p.id) + "\n";
  }
  if (!p.categories.empty()) {
    md += "- **Categories:** ";
    for (size_t i = 0; i < p.categories.size(); ++i) {
      if (i > 0) md += ", ";
      md += Inline(p.categories[i]);
      if (i == 0 && p.categories.size() > 1) md += " (primary)";
    }
    md += "\n";
  }
  if (!p.submitted.empty()) md += "- **Published:** " + Date(p.submitted) + "\n";
  if (!p.updated.empty() && p.updated.substr(0, 10) != p.submitted.substr(0, 10)) {
    md += "- **Updated:** " + Date(p.updated) + "\n";
  }
  if (!entries.empty()) {
    int64_t upvotes = 0, comments = 0;
    std::string github, project;
    std::optional<int64_t> stars;
    for (const DailyEntry& e : entries) {  // newest first: the newest links
      upvotes = std::max(upvotes, e.upvotes);
      comments = std::max(comments, e.num_comments);
      if (github.empty() && IsHttpUrl(e.github_repo)) {
        github = e.github_repo;
        stars = e.github_stars;
      }
      if (project.empty() && IsHttpUrl(e.project_page)) project = e.project_page;
    }
    md += "- **Upvotes:** " + std::to_string(upvotes) + " · **Comments:** " +
          std::to_string(comments) + "\n";
    md += "- **Listed on:** ";
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i > 0) md += ", ";
      md += Inline(entries[i].date);
    }
    md += "\n";
    if (!github.empty()) {
      md += "- **GitHub:** " + Autolink(github);
      if (stars) md += " (" + std::to_string(*stars) + (*stars == 1 ? " star)" : " stars)");
      md += "\n";
    }
    if (!project.empty()) md += "- **Project page:** " + Autolink(project) + "\n";
  }
  PaperExtras x = NewestExtras(entries);
  if (!x.organization.empty()) {
    std::string name = x.organization_fullname.empty() ? x.organization : x.organization_fullname;
    md += "- **Organization:** ";
    if (base_url.empty()) {
      md += Inline(name);
    } else {
      md += "[" + LinkText(name) + "](" + std::string(base_url) + OrganizationPath(x.organization) +
            ")";
    }
    md += "\n";
  }
  if (!p.doi.empty()) md += "- **DOI:** " + Inline(p.doi) + "\n";
  if (!p.journal_ref.empty()) md += "- **Journal reference:** " + Inline(p.journal_ref) + "\n";
  if (!p.comments.empty()) md += "- **arXiv comments:** " + Inline(p.comments) + "\n";

  if (!x.ai_summary.empty()) {
    md += "\n## AI summary (from Hugging Face)\n\n" + Paragraphs(x.ai_summary);
  }
  if (!x.ai_keywords.empty()) {
    md += "\n**AI keywords (from Hugging Face):** ";
    for (size_t i = 0; i < x.ai_keywords.size(); ++i) {
      if (i > 0) md += ", ";
      md += Inline(x.ai_keywords[i]);
    }
    md += "\n";
  }
  md += "\n## Abstract\n\n";
  md += p.abstract.empty() ? "No abstract is known for this paper yet.\n" : Paragraphs(p.abstract);
  return md;
}

bool PrefersMarkdown(std::string_view accept) {
  // q of the most specific matching range so far: specificity 3 = exact
  // type, 2 = type/*, 1 = */*, 0 = no range matched (q 0).
  struct Best {
    int specificity = 0;
    double q = 0;
  } markdown, html;
  auto consider = [](Best& best, int specificity, double q) {
    if (specificity > best.specificity) best = {specificity, q};
  };
  for (std::string_view range : Split(accept, ',')) {
    std::vector<std::string_view> parts = Split(range, ';');
    std::string type = AsciiLower(TrimView(parts[0]));
    if (type.empty()) continue;
    std::optional<double> q = QValue({parts.begin() + 1, parts.end()});
    if (!q) continue;
    if (type == "*/*") {
      consider(markdown, 1, *q);
      consider(html, 1, *q);
    } else if (type == "text/*") {
      consider(markdown, 2, *q);
      consider(html, 2, *q);
    } else if (type == "text/markdown") {
      consider(markdown, 3, *q);
    } else if (type == "text/html") {
      consider(html, 3, *q);
    }
  }
  return markdown.q > 0 && markdown.q > html.q;
}

}  // namespace paperpulse::http
