#include "paperpulse/http/feeds/atom.h"

#include <algorithm>

#include "paperpulse/base/time.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

// Appends <name>text</name> (or nothing when `text` is empty and optional).
void Element(std::string& out, std::string_view indent, std::string_view name,
             std::string_view text, std::string_view attributes = {}) {
  out += indent;
  out += '<';
  out += name;
  out += attributes;
  out += '>';
  out += XmlEscape(text);
  out += "</";
  out += name;
  out += ">\n";
}

void Link(std::string& out, std::string_view indent, std::string_view rel, std::string_view href,
          std::string_view type = {}) {
  if (href.empty()) return;
  out += indent;
  out += "<link rel=\"";
  out += rel;
  out += "\" href=\"";
  out += XmlEscape(href);
  out += '"';
  if (!type.empty()) {
    out += " type=\"";
    out += type;
    out += '"';
  }
  out += "/>\n";
}

}  // namespace

std::string XmlEscape(std::string_view s) {
  std::string clean = CleanText(s);  // valid UTF-8, no C0 controls but tab/newline
  std::string out;
  out.reserve(clean.size() + clean.size() / 8);
  for (size_t i = 0; i < clean.size(); ++i) {
    char c = clean[i];
    // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML 1.0 Chars (§2.2).
    if (c == '\xEF' && i + 2 < clean.size() && clean[i + 1] == '\xBF' &&
        (clean[i + 2] == '\xBE' || clean[i + 2] == '\xBF')) {
      i += 2;
      continue;
    }
    AppendHtmlEscaped(out, std::string_view(&clean[i], 1));
  }
  return out;
}

std::string Rfc3339(std::string_view ts, std::string_view fallback) {
  auto normalized = NormalizeTimestamp(ts);
  if (!normalized) return std::string(fallback);
  if (normalized->size() == 10) *normalized += "T00:00:00Z";
  return *normalized;
}

std::string RenderAtom(const AtomFeed& feed) {
  std::string updated = feed.updated;
  if (updated.empty()) {
    // RFC 3339 timestamps in UTC with the same layout compare as text.
    for (const AtomEntry& e : feed.entries) updated = std::max(updated, e.updated);
    if (updated.empty()) updated = "1970-01-01T00:00:00Z";
  }
  std::string out;
  out.reserve(1024 + feed.entries.size() * 2048);
  out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out +=
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
      "xmlns:thr=\"http://purl.org/syndication/thread/1.0\">\n";
  Element(out, "  ", "id", feed.id);
  Element(out, "  ", "title", feed.title, " type=\"text\"");
  if (!feed.subtitle.empty()) Element(out, "  ", "subtitle", feed.subtitle, " type=\"text\"");
  Element(out, "  ", "updated", updated);
  Link(out, "  ", "self", feed.self_link, "application/atom+xml");
  Link(out, "  ", "alternate", feed.alternate_link, "text/html");
  // A feed-level author makes every entry valid even when a source gave a
  // paper no authors (RFC 4287 §4.1.1: atom:feed MUST contain an author
  // unless every entry does).
  out += "  <author><name>paperpulse</name></author>\n";
  out += "  <generator>paperpulse</generator>\n";
  for (const AtomEntry& e : feed.entries) {
    out += "  <entry>\n";
    Element(out, "    ", "id", e.id);
    Element(out, "    ", "title", e.title, " type=\"text\"");
    Link(out, "    ", "alternate", e.link, "text/html");
    Link(out, "    ", "related", e.related_link, "text/html");
    if (!e.published.empty()) Element(out, "    ", "published", e.published);
    Element(out, "    ", "updated", e.updated);
    for (const std::string& a : e.authors) {
      out += "    <author><name>";
      out += XmlEscape(a);
      out += "</name></author>\n";
    }
    for (const std::string& c : e.categories) {
      out += "    <category term=\"";
      out += XmlEscape(c);
      out += "\"/>\n";
    }
    if (!e.summary.empty()) Element(out, "    ", "summary", e.summary, " type=\"text\"");
    if (!e.content_html.empty()) {
      Element(out, "    ", "content", e.content_html, " type=\"html\"");
    }
    if (!e.replies_link.empty()) {
      out += "    <link rel=\"replies\" type=\"application/atom+xml\" href=\"";
      out += XmlEscape(e.replies_link);
      out += "\" thr:count=\"";
      out += std::to_string(e.replies_count);
      out += "\"/>\n";
    }
    if (!e.in_reply_to_id.empty()) {
      out += "    <thr:in-reply-to ref=\"";
      out += XmlEscape(e.in_reply_to_id);
      out += '"';
      if (!e.in_reply_to_link.empty()) {
        out += " href=\"";
        out += XmlEscape(e.in_reply_to_link);
        out += "\" type=\"text/html\"";
      }
      out += "/>\n";
    }
    out += "  </entry>\n";
  }
  out += "</feed>\n";
  return out;
}

}  // namespace paperpulse::http
