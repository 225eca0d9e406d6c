// The query language, parsed into a small tree that the index adapter turns
// into its own query objects. Parsing is strict where a silent guess would
// surprise (unbalanced quotes and parentheses, unknown fields, empty field
// values, a query of only stop words) and lenient where users paste text
// (punctuation, TeX, a colon followed by a space as in "BERT: Pre-training").
//
//   query    := or_expr
//   or_expr  := seq ("OR" seq)*
//   seq      := and_expr+            adjacent clauses, see below
//   and_expr := unary ("AND" unary)*
//   unary    := ("NOT" | "-") unary | "+" primary | primary
//   primary  := "(" or_expr ")" | FIELD ":" value | '"' words '"' | word | word "*"
//   value    := '"' words '"' | word | word "*" | "(" or_expr ")"
//   FIELD    := author | title | abs | cat | id | arxiv | year
//
// Adjacent clauses without an operator: free-text words are ranked together
// (OR, BM25: a paper with more of the words ranks higher); field clauses,
// "phrases", (groups) and +word are required, and with them at least one of
// the free-text words; NOT/-clauses exclude. Operators are
// upper case only, so "or" and "not" in pasted text are plain words.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"

namespace paperpulse::search {

enum class Field {
  kAny,  // title, abstract and authors
  kTitle,
  kAbstract,
  kAuthor,
  kCategory,
  kId,
  kYear,
};

// The name of `f` in the query language ("title", "abs", "author", "cat",
// "id", "year"); "" for kAny.
std::string_view FieldName(Field f);

// One normalised word of a leaf and where it is in the query text (to
// rewrite the query for "did you mean").
struct QueryWord {
  std::string text;
  size_t begin = 0;
  size_t end = 0;
};

struct QueryNode {
  enum class Kind {
    kLeaf,    // words of one field
    kAnd,     // all children
    kOr,      // any child (explicit OR)
    kRanked,  // any child, ranked by how many match (adjacent free text)
    kAndNot,  // children[0] without any of children[1..]
  };
  Kind kind = Kind::kLeaf;
  std::vector<std::unique_ptr<QueryNode>> children;

  // Leaf only.
  Field field = Field::kAny;
  std::vector<QueryWord> words;  // normalised (Tokenize); one word unless a phrase
  bool phrase = false;           // quoted: the words in this order
  bool prefix = false;           // word*: any word starting with words[0]
  // kCategory: lower-cased "cs.cl" or archive "cs"; kId: base id.
  std::string value;
  // kYear: inclusive range.
  int year_from = 0;
  int year_to = 0;
};

struct ParsedQuery {
  std::unique_ptr<QueryNode> root;
  // True when the query is plain text (words, phrases, no field or
  // operator): it may then be a pasted title.
  bool plain_text = false;
};

// Parses `query`. Errors: kInvalidArgument with a message for the user
// (which quote or parenthesis is unbalanced, which field is unknown, ...).
// The length limit (index.h) is checked by the caller.
Result<ParsedQuery> ParseQuery(std::string_view query);

}  // namespace paperpulse::search
