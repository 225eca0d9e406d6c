// Small string helpers shared by every layer. All functions treat text as
// UTF-8 bytes and never allocate unless they return a std::string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace paperpulse {

// `s` without leading and trailing ASCII white space.
std::string_view TrimView(std::string_view s);

// Trims and folds every run of ASCII white space (incl. newlines from
// line-wrapped arXiv metadata) into one space.
std::string CollapseWhitespace(std::string_view s);

// ASCII lower-casing; bytes >= 0x80 are left as they are.
std::string AsciiLower(std::string_view s);

// 1234567 -> "1,234,567" (digit groups for people to read).
std::string WithThousands(int64_t n);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Byte offset of the first invalid UTF-8 sequence, or npos when valid.
size_t FirstInvalidUtf8(std::string_view s);

// The number of code points in `s`: the bytes that do not continue a UTF-8
// sequence. What length limits on user text count, so that a limit means the
// same in every script. Precondition: `s` is valid UTF-8.
size_t CodePoints(std::string_view s);

// True when `s` holds a C0 control other than those in `allowed`, DEL or a
// C1 control (U+0080..U+009F, UTF-8 C2 80..C2 9F): invisible on a page or in
// a mail, and a way to smuggle line breaks into a one-line field.
// Precondition: `s` is valid UTF-8.
bool HasControlChars(std::string_view s, std::string_view allowed = {});

// Splits on `sep`, keeping empty fields.
std::vector<std::string_view> Split(std::string_view s, char sep);

bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);

// Appends `s` to `out` as the body of a JSON string literal (no quotes added).
// Precondition: `s` is valid UTF-8.
void AppendJsonEscaped(std::string& out, std::string_view s);

// `s` as a quoted JSON string.
std::string JsonQuote(std::string_view s);

// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view s);
void AppendHtmlEscaped(std::string& out, std::string_view s);

// Appends code point `cp` (<= 0x10FFFF, not a surrogate) encoded as UTF-8.
void AppendUtf8(std::string& out, uint32_t cp);

}  // namespace paperpulse
