// A parser for Python literals as Python's repr() writes them.
//
// Several sources store structured values as Python repr strings instead of
// JSON: pandas CSV exports of lists ("['cs.CL', 'cs.AI']", "[{'version': 'v1',
// 'created': '...'}]") and a scraper that wrote HF daily-paper dicts with
// str(dict) ("{'paper': {'id': '2412.01234', 'isPro': False}, ...}"). JSON
// parsers reject these (single quotes, True/False/None, tuples), so this small
// recursive-descent parser turns them into a value tree.
//
// Grammar (what ast.literal_eval accepts for the values repr() produces):
//   value  := dict | list | tuple | string | number | True | False | None
//   dict   := '{' [value ':' value (',' value ':' value)* [',']] '}'
//   list   := '[' [value (',' value)* [',']] ']'
//   tuple  := '(' ')' | '(' value ',' ')' | '(' value (',' value)+ [','] ')'
//             ('(' value ')' is the value itself, as in Python)
//   string := optional u/r/U/R prefix, then '...' or "..." (also triple-quoted)
//   number := optional sign, decimal int, or float with '.', exponent, inf, nan
// Escapes in non-raw strings: \\ \' \" \n \t \r \a \b \f \v \0-\777 (octal)
// \xHH \uXXXX \UXXXXXXXX and backslash-newline; an unknown escape such as \d
// is kept as the two characters, as Python does. Set literals, bytes (b'..'),
// \N{...} and implicit concatenation of adjacent strings are not supported.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"

namespace paperpulse::ingest {

// One Python value. A plain tree that owns its children; copying copies the
// whole tree.
struct PyValue {
  enum class Kind { kNone, kBool, kInt, kFloat, kStr, kList, kTuple, kDict };
  struct Entry;  // one key: value pair of a dict

  Kind kind = Kind::kNone;
  bool bool_value = false;
  int64_t int_value = 0;
  double float_value = 0;
  std::string str_value;       // kStr, UTF-8
  std::vector<PyValue> items;  // kList and kTuple, in order
  std::vector<Entry> entries;  // kDict, in source order (duplicates kept)

  bool IsNone() const { return kind == Kind::kNone; }
  bool IsStr() const { return kind == Kind::kStr; }
  bool IsDict() const { return kind == Kind::kDict; }
  // True for lists and tuples alike: sources do not distinguish them.
  bool IsSequence() const { return kind == Kind::kList || kind == Kind::kTuple; }

  // The value under the string key `key` of a dict, or nullptr when this is
  // not a dict or has no such key. With duplicate keys the last one wins,
  // as in Python.
  const PyValue* Get(std::string_view key) const;

  // The string, or nullopt when this is not a string. The view borrows from
  // this value.
  std::optional<std::string_view> AsString() const;
  // The string under `key` of a dict, or "" when absent or not a string:
  // sources leave optional fields out or set them to None.
  std::string_view GetString(std::string_view key) const;
  // The integer (bool counts as 0/1, as in Python), or nullopt.
  std::optional<int64_t> AsInt() const;
  // The number as a double (ints converted), or nullopt.
  std::optional<double> AsFloat() const;
  // The bool, or nullopt when this is not a bool.
  std::optional<bool> AsBool() const;
};

struct PyValue::Entry {
  PyValue key;
  PyValue value;
};

struct PyParseOptions {
  // Maximum nesting of containers. Deeper input is rejected instead of
  // recursing further, so hostile input cannot overflow the stack.
  int max_depth = 64;
};

// Parses `text`, which must hold exactly one Python literal (surrounding
// white space allowed). Errors: kParse with a message naming the byte offset
// of the problem ("... at offset 17"): syntax errors, invalid UTF-8 in the
// input, an escape naming a lone surrogate, an int outside int64, nesting
// deeper than `options.max_depth`.
Result<PyValue> ParsePyLiteral(std::string_view text, const PyParseOptions& options = {});

// Parses a list (or tuple) of strings, such as pandas writes for list
// columns: "['cs.CL', 'cs.AI']". Errors: those of ParsePyLiteral, and kParse
// when the value is not a sequence or an element is not a string.
Result<std::vector<std::string>> ParsePyStringList(std::string_view text);

}  // namespace paperpulse::ingest
