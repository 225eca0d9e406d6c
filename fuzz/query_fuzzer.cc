// The search query language (search/query.h) and the text normalisation it
// shares with indexing and snippets (search/text.h, search/snippet.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "paperpulse/search/index.h"
#include "paperpulse/search/query.h"
#include "paperpulse/search/snippet.h"
#include "paperpulse/search/text.h"

namespace {

using paperpulse::search::QueryNode;

// Every leaf holds words (or a value for cat:/id:/year:), and every inner
// node has children; word spans lie inside the query.
void CheckNode(const QueryNode& node, size_t query_size, int depth) {
  PP_FUZZ_CHECK(depth < 10000);
  if (node.kind == QueryNode::Kind::kLeaf) {
    PP_FUZZ_CHECK(node.children.empty());
    for (const auto& w : node.words) {
      PP_FUZZ_CHECK(w.begin <= w.end && w.end <= query_size);
    }
    return;
  }
  PP_FUZZ_CHECK(!node.children.empty());
  for (const auto& child : node.children) {
    PP_FUZZ_CHECK(child != nullptr);
    CheckNode(*child, query_size, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace paperpulse::search;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (size <= kMaxQueryBytes) {
    if (auto q = ParseQuery(text)) {
      PP_FUZZ_CHECK(q->root != nullptr);
      CheckNode(*q->root, size, 0);
    } else {
      PP_FUZZ_CHECK(!q.error().message.empty());
    }
  }
  auto tokens = Tokenize(text);
  for (const auto& t : tokens) {
    PP_FUZZ_CHECK(!t.text.empty() && t.text.size() <= kMaxTokenBytes);
    PP_FUZZ_CHECK(t.begin <= t.end && t.end <= size);
  }
  (void)NormalizeText(text);
  std::string snippet = MakeSnippet(
      text, [](const Token& t) { return t.text.size() % 3 == 0; }, 12);
  (void)snippet;
  return 0;
}
