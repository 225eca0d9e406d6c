#include "paperpulse/http/markdown.h"

#include <cmark.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <vector>

#include "paperpulse/base/strings.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

// A math span in the Markdown source is replaced by kOpen + its index +
// kClose: private-use code points and digits, which no Markdown rule
// touches or splits. The same code points typed by a writer become U+FFFD
// first, so every placeholder is ours.
constexpr std::string_view kOpen = "\xEE\x80\x80";   // U+E000
constexpr std::string_view kClose = "\xEE\x80\x81";  // U+E001
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

constexpr std::string_view kDollarHtml = "<span class=\"dollar\">$</span>";
constexpr std::string_view kLinkOpen = "<a href=\"";
constexpr std::string_view kSafeLinkOpen = "<a rel=\"nofollow ugc noopener\" href=\"";

// Headings in a comment start at h4 (the page has h1..h3 above it).
constexpr int kHeadingDemotion = 3;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string WithoutMarkers(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    std::string_view rest = s.substr(i);
    if (StartsWith(rest, kOpen) || StartsWith(rest, kClose)) {
      out += kReplacement;
      i += 3;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

// The end (one past the closing delimiter) of the math span whose opening
// $ is at `i`, or npos. See markdown.h for the rules.
size_t MathEnd(std::string_view s, size_t i) {
  size_t n = s.size();
  if (i + 1 < n && s[i + 1] == '$') {
    for (size_t j = i + 2; j + 1 < n; ++j) {
      if (s[j] == '\\') {
        ++j;
      } else if (s[j] == '$' && s[j + 1] == '$') {
        return TrimView(s.substr(i + 2, j - i - 2)).empty() ? std::string_view::npos : j + 2;
      }
    }
    return std::string_view::npos;
  }
  if (i + 1 >= n || IsSpace(s[i + 1])) return std::string_view::npos;
  for (size_t j = i + 1; j < n; ++j) {
    if (s[j] == '\\') {
      ++j;
    } else if (s[j] == '\n') {
      return std::string_view::npos;
    } else if (s[j] == '$') {
      bool closes =
          !IsSpace(s[j - 1]) && (j + 1 >= n || !std::isdigit(static_cast<unsigned char>(s[j + 1])));
      return closes ? j + 1 : std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// One past the run of backticks that starts at `i`.
size_t RunEnd(std::string_view s, size_t i) {
  size_t k = s.find_first_not_of('`', i);
  return k == std::string_view::npos ? s.size() : k;
}

struct Protected {
  std::string text;
  std::vector<std::string> math;  // by placeholder index, with delimiters
};

// Replaces the math spans of one run of non-blank lines outside fenced
// code. Code spans and <...> (autolinks, tags) are copied as they are, so a
// dollar in them stays a dollar.
void ProtectInline(std::string_view s, Protected& out) {
  size_t n = s.size();
  for (size_t i = 0; i < n;) {
    char c = s[i];
    if (c == '\\' && i + 1 < n) {
      out.text.append(s.substr(i, 2));
      i += 2;
    } else if (c == '`') {
      // A code span runs to the next backtick string of the same length;
      // without one, the backticks are text.
      size_t run = RunEnd(s, i) - i;
      size_t stop = i + run;
      for (size_t j = s.find('`', stop); j != std::string_view::npos; j = s.find('`', j)) {
        size_t k = RunEnd(s, j);
        if (k - j == run) {
          stop = k;
          break;
        }
        j = k;
      }
      out.text.append(s.substr(i, stop - i));
      i = stop;
    } else if (c == '<') {
      size_t close = s.find_first_of("> \t\n<", i + 1);
      if (close != std::string_view::npos && s[close] == '>' && close > i + 1) {
        out.text.append(s.substr(i, close + 1 - i));
        i = close + 1;
      } else {
        out.text.push_back(c);
        ++i;
      }
    } else if (size_t end = c == '$' ? MathEnd(s, i) : std::string_view::npos;
               end != std::string_view::npos) {
      out.text += kOpen;
      out.text += std::to_string(out.math.size());
      out.text += kClose;
      out.math.emplace_back(s.substr(i, end - i));
      i = end;
    } else {
      out.text.push_back(c);
      ++i;
    }
  }
}

// The fence that opens a fenced code block on `line` ("```", "~~~~"), or
// "" when it opens none. Indentation is not checked: a fence in a nested
// list is indented further than CommonMark's three spaces.
std::string_view FenceOf(std::string_view line) {
  std::string_view t = TrimView(line);
  if (t.size() < 3 || (t[0] != '`' && t[0] != '~')) return {};
  size_t len = std::min(t.find_first_not_of(t[0]), t.size());
  if (len < 3) return {};
  if (t[0] == '`' && t.find('`', len) != std::string_view::npos) return {};
  return t.substr(0, len);
}

bool ClosesFence(std::string_view line, std::string_view fence) {
  std::string_view t = TrimView(line);
  return t.size() >= fence.size() && t.find_first_not_of(fence[0]) == std::string_view::npos;
}

// The source with its math spans replaced by placeholders. Math is looked
// for in runs of non-blank lines (a span never crosses a blank line) outside
// fenced code blocks.
Protected ProtectMath(std::string_view src) {
  Protected out;
  std::string_view fence;
  size_t para_start = 0;
  bool in_para = false;
  auto flush = [&](size_t end) {
    if (in_para) ProtectInline(src.substr(para_start, end - para_start), out);
    in_para = false;
  };
  for (size_t pos = 0; pos < src.size();) {
    size_t nl = src.find('\n', pos);
    size_t end = nl == std::string_view::npos ? src.size() : nl + 1;
    std::string_view line = src.substr(pos, end - pos);
    if (!fence.empty()) {
      out.text.append(line);
      if (ClosesFence(line, fence)) fence = {};
    } else if (std::string_view f = FenceOf(line); !f.empty()) {
      flush(pos);
      out.text.append(line);
      fence = f;
    } else if (TrimView(line).empty()) {
      flush(pos);
      out.text.append(line);
    } else if (!in_para) {
      in_para = true;
      para_start = pos;
    }
    pos = end;
  }
  flush(src.size());
  return out;
}

// `s` with every placeholder replaced by its math source.
std::string Restore(std::string_view s, const Protected& p) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t open = s.find(kOpen, i);
    if (open == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    size_t close = s.find(kClose, open);
    out.append(s.substr(i, open - i));
    size_t index =
        std::strtoul(std::string(s.substr(open + 3, close - open - 3)).c_str(), nullptr, 10);
    out += p.math[index];
    i = close + 3;
  }
  return out;
}

std::string_view Str(const char* s) { return s ? std::string_view(s) : std::string_view(); }

bool HasMarker(std::string_view s) { return s.find(kOpen) != std::string_view::npos; }

// A link destination readers may follow: relative, or http(s) / mailto.
// Browsers drop tabs and newlines anywhere in a URL and spaces and control
// characters around it; cmark would percent-encode them instead ("ht&#9;tp:"
// became href="ht%09tp:..."), so what the browser and this check read as
// the scheme could differ. No real link holds them: such a destination stays
// text. (Found by fuzz/markdown_fuzzer.cc.)
bool IsSafeDestination(std::string_view url) {
  std::string probe;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
    probe.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  size_t colon = probe.find(':');
  if (colon == std::string::npos || probe.find_first_of("/?#") < colon) return true;
  std::string_view scheme = std::string_view(probe).substr(0, colon);
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

cmark_node* NewText(std::string_view s) {
  cmark_node* t = cmark_node_new(CMARK_NODE_TEXT);
  cmark_node_set_literal(t, std::string(s).c_str());
  return t;
}

// Raw HTML, inserted as is into the output (custom nodes are ours alone:
// Markdown source cannot make one).
cmark_node* NewRawHtml(std::string_view html) {
  cmark_node* n = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
  cmark_node_set_on_enter(n, std::string(html).c_str());
  cmark_node_set_on_exit(n, "");
  return n;
}

// Moves the children of `node` before it and frees it.
void Unwrap(cmark_node* node) {
  while (cmark_node* child = cmark_node_first_child(node)) {
    cmark_node_unlink(child);
    cmark_node_insert_before(node, child);
  }
  cmark_node_free(node);
}

// Splits a text node at placeholders (math, as escaped text) and dollar
// signs (each in its own span).
void ExpandText(cmark_node* node, const Protected& p) {
  std::string_view s = Str(cmark_node_get_literal(node));
  if (s.find('$') == std::string_view::npos && !HasMarker(s)) return;
  std::string pending;
  auto flush = [&] {
    if (!pending.empty()) cmark_node_insert_before(node, NewText(pending));
    pending.clear();
  };
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '$') {
      flush();
      cmark_node_insert_before(node, NewRawHtml(kDollarHtml));
      ++i;
    } else if (StartsWith(s.substr(i), kOpen)) {
      size_t close = s.find(kClose, i);
      flush();
      cmark_node_insert_before(node,
                               NewRawHtml(HtmlEscape(Restore(s.substr(i, close + 3 - i), p))));
      i = close + 3;
    } else {
      pending.push_back(s[i++]);
    }
  }
  flush();
  cmark_node_free(node);
}

// An image as a link to it, labelled with its alt text (or the URL).
void ImageToLink(cmark_node* image) {
  cmark_node* link = cmark_node_new(CMARK_NODE_LINK);
  cmark_node_set_url(link, cmark_node_get_url(image));
  cmark_node_set_title(link, cmark_node_get_title(image));
  while (cmark_node* child = cmark_node_first_child(image)) {
    cmark_node_unlink(child);
    cmark_node_append_child(link, child);
  }
  if (!cmark_node_first_child(link))
    cmark_node_append_child(link, NewText(Str(cmark_node_get_url(image))));
  cmark_node_insert_before(image, link);
  cmark_node_free(image);
}

// Raw HTML as the text it was typed as: a block as a paragraph keeping its
// line breaks, an inline as text.
void HtmlToText(cmark_node* node) {
  std::string_view literal = Str(cmark_node_get_literal(node));
  if (cmark_node_get_type(node) == CMARK_NODE_HTML_INLINE) {
    cmark_node_insert_before(node, NewText(literal));
  } else {
    while (EndsWith(literal, "\n")) literal.remove_suffix(1);
    cmark_node* para = cmark_node_new(CMARK_NODE_PARAGRAPH);
    for (std::string_view line : Split(literal, '\n')) {
      if (cmark_node_first_child(para)) {
        cmark_node_append_child(para, cmark_node_new(CMARK_NODE_LINEBREAK));
      }
      cmark_node_append_child(para, NewText(line));
    }
    cmark_node_insert_before(node, para);
  }
  cmark_node_free(node);
}

struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct IterDeleter {
  void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};

std::vector<cmark_node*> NodesOf(cmark_node* root, cmark_node_type type) {
  std::vector<cmark_node*> out;
  std::unique_ptr<cmark_iter, IterDeleter> it(cmark_iter_new(root));
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE) {
    cmark_node* n = cmark_iter_get_node(it.get());
    if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == type) out.push_back(n);
  }
  return out;
}

// Puts the math source back into the places where it is literal: code,
// link destinations and titles, fence info strings.
void RestoreLiterals(cmark_node* root, const Protected& p) {
  for (cmark_node_type type : {CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK}) {
    for (cmark_node* n : NodesOf(root, type)) {
      if (HasMarker(Str(cmark_node_get_literal(n)))) {
        cmark_node_set_literal(n, Restore(Str(cmark_node_get_literal(n)), p).c_str());
      }
      if (type == CMARK_NODE_CODE_BLOCK && HasMarker(Str(cmark_node_get_fence_info(n)))) {
        cmark_node_set_fence_info(n, Restore(Str(cmark_node_get_fence_info(n)), p).c_str());
      }
    }
  }
  for (cmark_node_type type : {CMARK_NODE_LINK, CMARK_NODE_IMAGE}) {
    for (cmark_node* n : NodesOf(root, type)) {
      if (HasMarker(Str(cmark_node_get_url(n)))) {
        cmark_node_set_url(n, Restore(Str(cmark_node_get_url(n)), p).c_str());
      }
      if (HasMarker(Str(cmark_node_get_title(n)))) {
        cmark_node_set_title(n, Restore(Str(cmark_node_get_title(n)), p).c_str());
      }
    }
  }
}

}  // namespace

std::string RenderCommentMarkdown(std::string_view text) {
  // Math spans are put back as they were typed, past cmark's own UTF-8
  // check: clean the text first (invalid UTF-8 becomes U+FFFD).
  Protected p = ProtectMath(WithoutMarkers(CleanText(text)));
  constexpr int kOptions = CMARK_OPT_HARDBREAKS | CMARK_OPT_VALIDATE_UTF8;
  std::unique_ptr<cmark_node, NodeDeleter> doc(
      cmark_parse_document(p.text.data(), p.text.size(), kOptions));
  cmark_node* root = doc.get();

  RestoreLiterals(root, p);
  for (cmark_node* n : NodesOf(root, CMARK_NODE_IMAGE)) ImageToLink(n);
  for (cmark_node* n : NodesOf(root, CMARK_NODE_LINK)) {
    if (!IsSafeDestination(Str(cmark_node_get_url(n)))) Unwrap(n);
  }
  for (cmark_node* n : NodesOf(root, CMARK_NODE_HTML_BLOCK)) HtmlToText(n);
  for (cmark_node* n : NodesOf(root, CMARK_NODE_HTML_INLINE)) HtmlToText(n);
  for (cmark_node* n : NodesOf(root, CMARK_NODE_HEADING)) {
    cmark_node_set_heading_level(n,
                                 std::min(6, cmark_node_get_heading_level(n) + kHeadingDemotion));
  }
  for (cmark_node* n : NodesOf(root, CMARK_NODE_TEXT)) ExpandText(n, p);

  // Safe mode stays on (no CMARK_OPT_UNSAFE) although no raw HTML is left:
  // it also drops javascript: and similar destinations cmark knows of.
  std::unique_ptr<char, decltype(&std::free)> rendered(cmark_render_html(root, kOptions),
                                                       &std::free);
  std::string_view html = Str(rendered.get());
  // Text is escaped and raw HTML gone, so `<a href="` occurs only where
  // cmark opens a link.
  std::string out;
  out.reserve(html.size() + 64);
  for (size_t i = 0; i < html.size();) {
    size_t at = html.find(kLinkOpen, i);
    if (at == std::string_view::npos) {
      out.append(html.substr(i));
      break;
    }
    out.append(html.substr(i, at - i));
    out += kSafeLinkOpen;
    i = at + kLinkOpen.size();
  }
  return out;
}

}  // namespace paperpulse::http
