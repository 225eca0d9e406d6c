#include "paperpulse/base/tex.h"

#include <array>
#include <utility>

#include "paperpulse/base/strings.h"

namespace paperpulse {
namespace {

// Precomposed letters per accent command: pairs of an ASCII base letter and
// its accented UTF-8 form.
std::string_view AccentTable(char accent) {
  switch (accent) {
    case '"':
      return "AÄEËIÏOÖUÜYŸaäeëiïoöuüyÿ";
    case '\'':
      return "AÁCĆEÉIÍLĹNŃOÓRŔSŚUÚYÝZŹaácćeéiílĺnńoórŕsśuúyýzź";
    case '`':
      return "AÀEÈIÌOÒUÙaàeèiìoòuù";
    case '^':
      return "AÂCĈEÊGĜHĤIÎJĴOÔSŜUÛWŴYŶaâcĉeêgĝhĥiîjĵoôsŝuûwŵyŷ";
    case '~':
      return "AÃIĨNÑOÕUŨaãiĩnñoõuũ";
    case '=':
      return "AĀEĒIĪOŌUŪaāeēiīoōuū";
    case '.':
      return "CĊEĖGĠIİZŻcċeėgġzż";
    case 'u':
      return "AĂGĞUŬaăgğuŭ";
    case 'v':
      return "CČDĎEĚNŇRŘSŠTŤZŽcčdďeěnňrřsštťzž";
    case 'H':
      return "OŐUŰoőuű";
    case 'c':
      return "CÇSŞTŢcçsştţ";
    case 'k':
      return "AĄEĘaąeę";
    case 'r':
      return "AÅUŮaåuů";
    default:
      return {};
  }
}

}  // namespace

uint32_t TexAccentMark(char accent) {
  switch (accent) {
    case '"':
      return 0x308;
    case '\'':
      return 0x301;
    case '`':
      return 0x300;
    case '^':
      return 0x302;
    case '~':
      return 0x303;
    case '=':
      return 0x304;
    case '.':
      return 0x307;
    case 'u':
      return 0x306;
    case 'v':
      return 0x30C;
    case 'H':
      return 0x30B;
    case 'c':
      return 0x327;
    case 'k':
      return 0x328;
    case 'r':
      return 0x30A;
    case 'd':
      return 0x323;
    case 'b':
      return 0x331;
    default:
      return 0;
  }
}

void AppendTexAccented(std::string& out, char accent, char base) {
  std::string_view table = AccentTable(accent);
  for (size_t i = 0; i < table.size();) {
    char letter = table[i++];
    size_t len = 1;
    auto lead = static_cast<unsigned char>(table[i]);
    if (lead >= 0xF0) {
      len = 4;
    } else if (lead >= 0xE0) {
      len = 3;
    } else if (lead >= 0xC0) {
      len = 2;
    }
    if (letter == base) {
      out.append(table.substr(i, len));
      return;
    }
    i += len;
  }
  out.push_back(base);
  // No precomposed form: the letter and its mark still read right.
  AppendUtf8(out, TexAccentMark(accent));
}

std::optional<std::string_view> TexLetterWord(std::string_view word) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kWords = {{
      {"ss", "ß"},
      {"o", "ø"},
      {"O", "Ø"},
      {"ae", "æ"},
      {"AE", "Æ"},
      {"oe", "œ"},
      {"OE", "Œ"},
      {"aa", "å"},
      {"AA", "Å"},
      {"l", "ł"},
      {"L", "Ł"},
      {"i", "ı"},
      {"j", "ȷ"},
  }};
  for (const auto& [name, text] : kWords) {
    if (name == word) return text;
  }
  return std::nullopt;
}

}  // namespace paperpulse
