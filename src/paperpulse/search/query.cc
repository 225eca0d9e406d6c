#include "paperpulse/search/query.h"

#include <cctype>
#include <optional>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/search/text.h"

namespace paperpulse::search {
namespace {

// Parentheses deeper than this are rejected: the parser recurses on them.
constexpr int kMaxDepth = 32;
// Leaves past this make a query too expensive to be a search. Hugging
// Face's search takes queries of 250 characters, which hold at most 125
// one-letter words: every such query is accepted.
constexpr int kMaxLeaves = 128;

using Node = QueryNode;
using NodePtr = std::unique_ptr<QueryNode>;

NodePtr MakeNode(Node::Kind kind) {
  auto n = std::make_unique<Node>();
  n->kind = kind;
  return n;
}

std::optional<Field> FieldByName(std::string_view name) {
  std::string lower;
  for (char c : name)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "author" || lower == "au") return Field::kAuthor;
  if (lower == "title" || lower == "ti") return Field::kTitle;
  if (lower == "abs" || lower == "abstract") return Field::kAbstract;
  if (lower == "cat" || lower == "category") return Field::kCategory;
  if (lower == "id" || lower == "arxiv") return Field::kId;
  if (lower == "year") return Field::kYear;
  return std::nullopt;
}

std::string Column(size_t offset) {
  std::string out = "at character ";
  out += std::to_string(offset + 1);
  return out;
}

// Quotes as typed or pasted: ASCII and the typographic pair.
size_t QuoteLength(std::string_view s, size_t i) {
  if (s[i] == '"') return 1;
  if (s.substr(i, 3) == "\xE2\x80\x9C" || s.substr(i, 3) == "\xE2\x80\x9D") return 3;
  return 0;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

class Parser {
 public:
  explicit Parser(std::string_view q) : q_(q) {}

  Result<ParsedQuery> Run() {
    ParsedQuery out;
    ASSIGN_OR_RETURN(out.root, OrExpr(Field::kAny, 0));
    SkipSpace();
    if (pos_ < q_.size()) {
      // Only a stray ')' stops OrExpr before the end.
      std::string msg = "unbalanced parenthesis: ')' ";
      msg += Column(pos_);
      msg += " has no matching '('";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    if (!out.root) {
      return Fail(ErrorCode::kInvalidArgument, "the query is empty: type some words to look for");
    }
    out.plain_text = plain_;
    return out;
  }

 private:
  struct Unary {
    NodePtr node;
    bool negated = false;
    bool required = false;  // +word, field clause, phrase or group
  };

  void SkipSpace() {
    while (pos_ < q_.size() && IsSpace(q_[pos_])) ++pos_;
  }

  // The bare word at pos_ (up to space, quote or parenthesis), not consumed.
  std::string_view PeekChunk() const {
    size_t end = pos_;
    while (end < q_.size() && !IsSpace(q_[end]) && q_[end] != '(' && q_[end] != ')' &&
           QuoteLength(q_, end) == 0)
      ++end;
    return q_.substr(pos_, end - pos_);
  }

  // Whether the bare word at pos_ is `op`. Looks at op.size() + 1 bytes, not
  // the whole word: PeekChunk per '-' of "-----...x" made a long word
  // quadratic (50,000 of them took 18 s; query_test).
  bool AtOperator(std::string_view op) const {
    if (q_.substr(pos_, op.size()) != op) return false;
    size_t end = pos_ + op.size();
    return end >= q_.size() || IsSpace(q_[end]) || q_[end] == '(' || q_[end] == ')' ||
           QuoteLength(q_, end) != 0;
  }

  bool AtSeqEnd() const {
    return pos_ >= q_.size() || q_[pos_] == ')' || AtOperator("OR") || AtOperator("AND");
  }

  Result<NodePtr> OrExpr(Field field, int depth) {
    std::vector<NodePtr> parts;
    while (true) {
      ASSIGN_OR_RETURN(NodePtr seq, Seq(field, depth));
      if (seq) parts.push_back(std::move(seq));
      SkipSpace();
      if (!AtOperator("OR")) break;
      plain_ = false;
      size_t op_pos = pos_;
      pos_ += 2;
      SkipSpace();
      if (pos_ >= q_.size() || q_[pos_] == ')' || AtOperator("OR") || AtOperator("AND")) {
        std::string msg = "OR ";
        msg += Column(op_pos);
        msg += " needs something on its right";
        return Fail(ErrorCode::kInvalidArgument, msg);
      }
      if (parts.empty()) {
        std::string msg = "OR ";
        msg += Column(op_pos);
        msg += " needs something on its left";
        return Fail(ErrorCode::kInvalidArgument, msg);
      }
    }
    if (parts.empty()) return NodePtr();
    if (parts.size() == 1) return std::move(parts[0]);
    NodePtr n = MakeNode(Node::Kind::kOr);
    n->children = std::move(parts);
    return n;
  }

  // Adjacent clauses: ranked free text, required clauses, exclusions.
  Result<NodePtr> Seq(Field field, int depth) {
    std::vector<NodePtr> ranked, required, excluded;
    while (true) {
      SkipSpace();
      if (AtSeqEnd()) break;
      size_t start = pos_;
      ASSIGN_OR_RETURN(Unary u, AndExpr(field, depth));
      if (!u.node) {
        if (pos_ == start) break;
        continue;
      }
      if (u.negated) {
        excluded.push_back(std::move(u.node));
      } else if (u.required) {
        required.push_back(std::move(u.node));
      } else {
        ranked.push_back(std::move(u.node));
      }
    }
    return Combine(std::move(ranked), std::move(required), std::move(excluded));
  }

  Result<NodePtr> Combine(std::vector<NodePtr> ranked, std::vector<NodePtr> required,
                          std::vector<NodePtr> excluded) {
    NodePtr ranked_node = Group(Node::Kind::kRanked, std::move(ranked));
    NodePtr required_node = Group(Node::Kind::kAnd, std::move(required));
    NodePtr positive;
    if (required_node && ranked_node) {
      positive = MakeNode(Node::Kind::kAnd);
      positive->children.push_back(std::move(required_node));
      positive->children.push_back(std::move(ranked_node));
    } else {
      positive = required_node ? std::move(required_node) : std::move(ranked_node);
    }
    if (excluded.empty()) return positive;
    if (!positive) {
      return Fail(ErrorCode::kInvalidArgument,
                  "a query cannot only exclude (NOT / -word): say what to look for too");
    }
    NodePtr n = MakeNode(Node::Kind::kAndNot);
    n->children.push_back(std::move(positive));
    for (auto& e : excluded) n->children.push_back(std::move(e));
    return n;
  }

  static NodePtr Group(Node::Kind kind, std::vector<NodePtr> nodes) {
    if (nodes.empty()) return NodePtr();
    if (nodes.size() == 1) return std::move(nodes[0]);
    NodePtr n = MakeNode(kind);
    n->children = std::move(nodes);
    return n;
  }

  Result<Unary> AndExpr(Field field, int depth) {
    ASSIGN_OR_RETURN(Unary first, UnaryExpr(field, depth));
    SkipSpace();
    if (!AtOperator("AND")) return first;
    plain_ = false;
    std::vector<NodePtr> positive, negative;
    auto add = [&](Unary u) {
      if (!u.node) return;
      (u.negated ? negative : positive).push_back(std::move(u.node));
    };
    add(std::move(first));
    while (AtOperator("AND")) {
      size_t op_pos = pos_;
      pos_ += 3;
      SkipSpace();
      if (AtSeqEnd()) {
        std::string msg = "AND ";
        msg += Column(op_pos);
        msg += " needs something on its right";
        return Fail(ErrorCode::kInvalidArgument, msg);
      }
      ASSIGN_OR_RETURN(Unary next, UnaryExpr(field, depth));
      add(std::move(next));
      SkipSpace();
    }
    Unary out;
    out.required = true;
    ASSIGN_OR_RETURN(out.node, Combine({}, std::move(positive), std::move(negative)));
    return out;
  }

  Result<Unary> UnaryExpr(Field field, int depth) {
    SkipSpace();
    // A run of NOTs ("NOT NOT x", "---x") in a loop, not by recursion: a
    // query of 50,000 '-' overflowed the stack (query_test).
    bool negated = false;
    while (AtOperator("NOT") ||
           (pos_ + 1 < q_.size() && q_[pos_] == '-' && !IsSpace(q_[pos_ + 1]))) {
      plain_ = false;
      size_t op_pos = pos_;
      pos_ += q_[pos_] == '-' ? 1 : 3;
      SkipSpace();
      if (AtSeqEnd()) {
        std::string msg = "NOT ";
        msg += Column(op_pos);
        msg += " needs something to exclude";
        return Fail(ErrorCode::kInvalidArgument, msg);
      }
      negated = !negated;
    }
    if (negated) {
      ASSIGN_OR_RETURN(Unary inner, PlusOrPrimary(field, depth));
      inner.negated = !inner.negated;
      return inner;
    }
    return PlusOrPrimary(field, depth);
  }

  Result<Unary> PlusOrPrimary(Field field, int depth) {
    if (pos_ + 1 < q_.size() && q_[pos_] == '+' && !IsSpace(q_[pos_ + 1])) {
      plain_ = false;
      ++pos_;
      ASSIGN_OR_RETURN(Unary inner, Primary(field, depth));
      inner.required = true;
      return inner;
    }
    return Primary(field, depth);
  }

  Result<Unary> Primary(Field field, int depth) {
    Unary out;
    if (pos_ >= q_.size()) return out;
    if (q_[pos_] == '(') return Parenthesized(field, depth);
    if (size_t qlen = QuoteLength(q_, pos_)) {
      out.required = true;
      ASSIGN_OR_RETURN(out.node, Phrase(field, qlen));
      return out;
    }
    std::string_view chunk = PeekChunk();
    size_t chunk_begin = pos_;
    pos_ += chunk.size();
    if (auto colon = chunk.find(':'); colon != std::string_view::npos && colon > 0) {
      ASSIGN_OR_RETURN(std::optional<Unary> f, MaybeField(chunk, chunk_begin, colon, field, depth));
      if (f) return std::move(*f);
    }
    return Words(field, chunk, chunk_begin);
  }

  Result<Unary> Parenthesized(Field field, int depth) {
    size_t open = pos_;
    if (depth >= kMaxDepth) {
      return Fail(ErrorCode::kInvalidArgument, "parentheses are nested too deeply");
    }
    ++pos_;
    ASSIGN_OR_RETURN(NodePtr inner, OrExpr(field, depth + 1));
    SkipSpace();
    if (pos_ >= q_.size() || q_[pos_] != ')') {
      std::string msg = "unbalanced parenthesis: '(' ";
      msg += Column(open);
      msg += " is never closed";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    ++pos_;
    Unary out;
    out.node = std::move(inner);
    out.required = true;
    return out;
  }

  // `chunk` has a colon after a non-empty name. Returns nullopt when it is
  // not field syntax after all (a URL, "10:30", a capitalised word of a
  // pasted title such as "Mamba:Linear").
  Result<std::optional<Unary>> MaybeField(std::string_view chunk, size_t chunk_begin, size_t colon,
                                          Field outer, int depth) {
    std::string_view name = chunk.substr(0, colon);
    std::string_view rest = chunk.substr(colon + 1);
    for (char c : name)
      if (!std::isalpha(static_cast<unsigned char>(c))) return std::optional<Unary>();
    std::optional<Field> field = FieldByName(name);
    if (!field) {
      // "theorem: a reply" in a pasted title is punctuation; only a value
      // glued to the colon ("venue:neurips") reads as a field.
      if (rest.empty() || StartsWithSlash(rest) || ParseArxivId(chunk)) {
        return std::optional<Unary>();
      }
      bool lower = true;
      for (char c : name) lower = lower && std::islower(static_cast<unsigned char>(c));
      if (!lower || name.size() > 12) return std::optional<Unary>();
      std::string msg = "unknown field '";
      msg += name;
      msg += ":' (fields: author:, title:, abs:, cat:, id:, year:)";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    if (outer != Field::kAny && outer != *field) {
      std::string msg = "field '";
      msg += name;
      msg += ":' inside another field's parentheses";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    plain_ = false;
    if (rest.empty()) {
      // The value follows: a phrase or group glued to the colon, or (leniently)
      // the next word after a space.
      SkipSpace();
      if (AtSeqEnd() || AtOperator("NOT")) {
        std::string msg = "field '";
        msg += name;
        msg += ":' needs a value, e.g. ";
        msg += name;
        msg += ":word";
        return Fail(ErrorCode::kInvalidArgument, msg);
      }
      if (q_[pos_] == '(') {
        ASSIGN_OR_RETURN(Unary u, Parenthesized(*field, depth));
        return std::optional<Unary>(std::move(u));
      }
      Unary u;
      u.required = true;
      if (size_t qlen = QuoteLength(q_, pos_)) {
        ASSIGN_OR_RETURN(u.node, Phrase(*field, qlen));
        return std::optional<Unary>(std::move(u));
      }
      std::string_view value = PeekChunk();
      size_t value_begin = pos_;
      pos_ += value.size();
      ASSIGN_OR_RETURN(u.node, FieldValue(*field, value, value_begin, name));
      return std::optional<Unary>(std::move(u));
    }
    Unary u;
    u.required = true;
    ASSIGN_OR_RETURN(u.node, FieldValue(*field, rest, chunk_begin + colon + 1, name));
    return std::optional<Unary>(std::move(u));
  }

  static bool StartsWithSlash(std::string_view s) { return !s.empty() && s[0] == '/'; }

  // A bare value of `field` (inside field parentheses or after "field:").
  Result<NodePtr> FieldValue(Field field, std::string_view value, size_t begin,
                             std::string_view name) {
    switch (field) {
      case Field::kCategory:
        return Category(value, name);
      case Field::kId:
        return Id(value);
      case Field::kYear:
        return Year(value);
      default:
        break;
    }
    bool prefix = !value.empty() && value.back() == '*';
    std::string_view text = prefix ? value.substr(0, value.size() - 1) : value;
    std::vector<Token> tokens = Tokenize(text);
    if (tokens.empty()) {
      std::string msg = "field '";
      msg += name;
      msg += ":' needs a word, not only punctuation";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    ASSIGN_OR_RETURN(NodePtr leaf, Leaf(field, tokens, begin));
    leaf->phrase = tokens.size() > 1;
    if (prefix) RETURN_IF_ERROR(MakePrefix(*leaf, value));
    return leaf;
  }

  Result<NodePtr> Leaf(Field field, const std::vector<Token>& tokens, size_t begin) {
    if (++leaves_ > kMaxLeaves) {
      std::string msg = "the query has too many parts (at most ";
      msg += std::to_string(kMaxLeaves);
      msg += " words and clauses)";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    NodePtr leaf = MakeNode(Node::Kind::kLeaf);
    leaf->field = field;
    for (const Token& t : tokens) leaf->words.push_back({t.text, begin + t.begin, begin + t.end});
    return leaf;
  }

  Status MakePrefix(Node& leaf, std::string_view raw) {
    plain_ = false;
    if (leaf.phrase || leaf.words.size() != 1) {
      std::string msg = "a prefix search takes one word: '";
      msg += raw;
      msg += "'";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    if (leaf.words[0].text.size() < 2) {
      std::string msg = "prefix '";
      msg += raw;
      msg += "' is too short: give at least 2 letters before '*'";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    leaf.prefix = true;
    return Ok();
  }

  Result<NodePtr> Category(std::string_view value, std::string_view name) {
    std::string v;
    for (char c : value)
      v.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (v.size() > 2 && v.substr(v.size() - 2) == ".*") v.resize(v.size() - 2);
    bool ok = !v.empty() && v.size() <= 32 && v.front() != '.' && v.back() != '.';
    int dots = 0;
    for (char c : v) {
      if (c == '.') ++dots;
      ok = ok && (std::isalpha(static_cast<unsigned char>(c)) || c == '-' || c == '.');
    }
    if (!ok || dots > 1) {
      std::string msg = "'";
      msg += name;
      msg += ":";
      msg += value;
      msg += "' is not an arXiv category (e.g. cs.CL, hep-th, math)";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    if (++leaves_ > kMaxLeaves) return Fail(ErrorCode::kInvalidArgument, "too many clauses");
    NodePtr leaf = MakeNode(Node::Kind::kLeaf);
    leaf->field = Field::kCategory;
    leaf->value = std::move(v);
    return leaf;
  }

  Result<NodePtr> Id(std::string_view value) {
    auto id = ParseArxivId(value);
    if (!id) return Fail(ErrorCode::kInvalidArgument, id.error().message);
    if (++leaves_ > kMaxLeaves) return Fail(ErrorCode::kInvalidArgument, "too many clauses");
    NodePtr leaf = MakeNode(Node::Kind::kLeaf);
    leaf->field = Field::kId;
    leaf->value = id->base;
    return leaf;
  }

  Result<NodePtr> Year(std::string_view value) {
    auto parse = [](std::string_view s) -> std::optional<int> {
      if (s.size() != 4) return std::nullopt;
      int y = 0;
      for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        y = y * 10 + (c - '0');
      }
      return y >= 1000 ? std::optional<int>(y) : std::nullopt;
    };
    std::optional<int> from, to;
    if (auto dots = value.find(".."); dots != std::string_view::npos) {
      from = parse(value.substr(0, dots));
      to = parse(value.substr(dots + 2));
    } else if (value.size() == 9 && value[4] == '-') {
      from = parse(value.substr(0, 4));
      to = parse(value.substr(5));
    } else {
      from = to = parse(value);
    }
    if (!from || !to || *from > *to) {
      std::string msg = "'year:";
      msg += value;
      msg += "' is not a year or range (e.g. year:2024, year:2020..2023)";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    if (++leaves_ > kMaxLeaves) return Fail(ErrorCode::kInvalidArgument, "too many clauses");
    NodePtr leaf = MakeNode(Node::Kind::kLeaf);
    leaf->field = Field::kYear;
    leaf->year_from = *from;
    leaf->year_to = *to;
    return leaf;
  }

  Result<NodePtr> Phrase(Field field, size_t qlen) {
    size_t open = pos_;
    size_t i = pos_ + qlen;
    size_t close_len = 0;
    while (i < q_.size() && (close_len = QuoteLength(q_, i)) == 0) ++i;
    if (i >= q_.size()) {
      std::string msg = "unbalanced quote: the quote ";
      msg += Column(open);
      msg += " is never closed";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    std::string_view body = q_.substr(open + qlen, i - open - qlen);
    pos_ = i + close_len;
    if (field == Field::kCategory || field == Field::kId || field == Field::kYear) {
      return FieldValue(field, TrimSpaces(body), open + qlen, FieldName(field));
    }
    std::vector<Token> tokens = Tokenize(body);
    if (tokens.empty()) {
      std::string msg = "empty quotes ";
      msg += Column(open);
      msg += ": put words between them";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    ASSIGN_OR_RETURN(NodePtr leaf, Leaf(field, tokens, open + qlen));
    leaf->phrase = true;
    return leaf;
  }

  static std::string_view TrimSpaces(std::string_view s) {
    while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
    return s;
  }

  // A bare chunk of free text (or of a field inside field parentheses).
  Result<Unary> Words(Field field, std::string_view chunk, size_t begin) {
    Unary out;
    if (field != Field::kAny) {
      out.required = true;
      ASSIGN_OR_RETURN(out.node, FieldValue(field, chunk, begin, FieldName(field)));
      return out;
    }
    // A whole arXiv id or URL among other words: that paper, ranked.
    if (chunk.find_first_of("./") != std::string_view::npos) {
      if (auto id = ParseArxivId(chunk)) {
        if (++leaves_ > kMaxLeaves) return Fail(ErrorCode::kInvalidArgument, "too many clauses");
        out.node = MakeNode(Node::Kind::kLeaf);
        out.node->field = Field::kId;
        out.node->value = id->base;
        return out;
      }
    }
    // "C*" in a pasted title ("C*-algebras") is a word: prefixes need two
    // letters.
    bool prefix = chunk.size() > 2 && chunk.back() == '*';
    std::string_view text = prefix ? chunk.substr(0, chunk.size() - 1) : chunk;
    std::vector<Token> tokens = Tokenize(text);
    if (tokens.empty()) return out;  // punctuation only: nothing to match
    if (prefix) {
      ASSIGN_OR_RETURN(out.node, Leaf(field, tokens, begin));
      RETURN_IF_ERROR(MakePrefix(*out.node, chunk));
      return out;
    }
    // "self-attention", "GPT-4": separate free-text words, ranked like the rest.
    std::vector<NodePtr> words;
    for (const Token& t : tokens) {
      ASSIGN_OR_RETURN(NodePtr leaf, Leaf(field, {t}, begin));
      words.push_back(std::move(leaf));
    }
    out.node = Group(Node::Kind::kRanked, std::move(words));
    return out;
  }

  std::string_view q_;
  size_t pos_ = 0;
  int leaves_ = 0;
  bool plain_ = true;
};

}  // namespace

std::string_view FieldName(Field f) {
  switch (f) {
    case Field::kCategory:
      return "cat";
    case Field::kId:
      return "id";
    case Field::kYear:
      return "year";
    case Field::kAuthor:
      return "author";
    case Field::kTitle:
      return "title";
    case Field::kAbstract:
      return "abs";
    case Field::kAny:
      break;
  }
  return "";
}

Result<ParsedQuery> ParseQuery(std::string_view query) { return Parser(query).Run(); }

}  // namespace paperpulse::search
