// Atom 1.0 documents (RFC 4287) for the feeds under /feeds/. Pure: builds
// the XML text from plain structs, so escaping and structure are testable
// without a Store or a socket.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace paperpulse::http {

struct AtomEntry {
  // A permanent IRI for the entry (RFC 4287 §4.2.6): the same paper gives the
  // same id in every feed and on every request.
  std::string id;
  std::string title;
  std::string link;          // rel="alternate": the paper's page on this site
  std::string related_link;  // rel="related": the paper on arXiv (optional)
  std::string published;     // RFC 3339 (optional)
  std::string updated;       // RFC 3339 (required by Atom)
  std::vector<std::string> authors;
  std::vector<std::string> categories;
  std::string summary;  // plain text (TeX kept as is)
  // HTML (a rendered comment), sent escaped as <content type="html">;
  // optional.
  std::string content_html;
  // The entry's discussion (RFC 4685 threading): the feed of its comments
  // with their number, as <link rel="replies" thr:count>; omitted when
  // `replies_link` is empty.
  std::string replies_link;
  int64_t replies_count = 0;
  // The id and page of the entry this one answers (thr:in-reply-to), for a
  // reply; optional.
  std::string in_reply_to_id;
  std::string in_reply_to_link;
};

struct AtomFeed {
  std::string id;  // permanent IRI of the feed
  std::string title;
  std::string subtitle;        // optional
  std::string self_link;       // absolute URL of the feed itself
  std::string alternate_link;  // absolute URL of the matching HTML page (optional)
  std::string updated;         // RFC 3339; "" = the newest entry's, or the epoch
  std::vector<AtomEntry> entries;
};

// `s` made safe as XML 1.0 character data and attribute values: invalid
// UTF-8 replaced, characters XML forbids (C0 controls other than tab and
// newline, U+FFFE, U+FFFF) dropped, and & < > " ' escaped.
std::string XmlEscape(std::string_view s);

// A stored date or timestamp ("2026-06-30", "2026-06-30T08:00:00Z", or any
// form NormalizeTimestamp reads) as an RFC 3339 date-time in UTC; `fallback`
// when `ts` is empty or unreadable.
std::string Rfc3339(std::string_view ts, std::string_view fallback = "1970-01-01T00:00:00Z");

// The complete Atom document, with an XML declaration, in UTF-8.
std::string RenderAtom(const AtomFeed& feed);

}  // namespace paperpulse::http
