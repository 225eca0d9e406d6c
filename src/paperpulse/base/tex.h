// TeX's accent commands (\'a, \"o, \v{s}, ...) and letter control words
// (\ss, \o, ...) as UTF-8: one table for every reader of TeX-ish text (the
// arXiv metadata normaliser in ingest, the BibTeX reader in http).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paperpulse {

// The combining mark (U+0300 block) that accent command `accent` puts on
// a letter: one of ' ` ^ " ~ = . u v H c k r d b; 0 for any other.
uint32_t TexAccentMark(char accent);

// Appends `letter` with the accent of command `accent`: the precomposed
// character where Unicode has one ("\'a" -> U+00E1, so it compares equal to
// the name typed directly), else the letter and the combining mark.
// Precondition: TexAccentMark(accent) != 0.
void AppendTexAccented(std::string& out, char accent, char letter);

// The character a letter control word stands for: "ss" -> "ß", "o", "O",
// "ae", "AE", "oe", "OE", "aa", "AA", "l", "L", "i" (dotless), "j"
// (dotless); nullopt for any other word.
std::optional<std::string_view> TexLetterWord(std::string_view word);

}  // namespace paperpulse
