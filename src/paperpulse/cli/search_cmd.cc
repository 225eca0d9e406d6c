// `paperpulse search [--limit N] [--json] QUERY...`: searches the index,
// first bringing it up to date with the Store (building it if needed) unless
// a running `serve` is already doing that.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "paperpulse/base/strings.h"
#include "paperpulse/cli/cli.h"
#include "paperpulse/search/index.h"
#include "paperpulse/search/indexer.h"

namespace paperpulse::cli {
namespace {

struct SearchArgs {
  CommonOptions common;
  std::vector<std::string> words;
  int limit = 10;
  int offset = 0;
  std::string sort = "relevance";
  std::string from, to, category;
  bool json = false;
};

std::string JoinWords(const std::vector<std::string>& words) {
  std::string q;
  for (const auto& w : words) {
    if (!q.empty()) q.push_back(' ');
    q += w;
  }
  return q;
}

void PrintJson(const std::string& query, const search::SearchResults& r) {
  std::string out = "{\"query\": ";
  out += JsonQuote(query);
  out += ", \"total\": ";
  out += std::to_string(r.total_estimate);
  out += ", \"didYouMean\": ";
  out += r.did_you_mean.empty() ? "null" : JsonQuote(r.did_you_mean);
  out += ", \"results\": [";
  for (size_t i = 0; i < r.hits.size(); ++i) {
    const search::SearchHit& h = r.hits[i];
    if (i) out += ", ";
    out += "{\"id\": ";
    out += JsonQuote(h.id);
    out += ", \"title\": ";
    out += JsonQuote(h.title);
    out += ", \"authors\": [";
    for (size_t a = 0; a < h.authors.size(); ++a) {
      if (a) out += ", ";
      out += JsonQuote(h.authors[a]);
    }
    out += "], \"categories\": [";
    for (size_t c = 0; c < h.categories.size(); ++c) {
      if (c) out += ", ";
      out += JsonQuote(h.categories[c]);
    }
    out += "], \"publishedAt\": ";
    out += JsonQuote(h.published_at);
    out += ", \"upvotes\": ";
    out += std::to_string(h.upvotes);
    char score[32];
    std::snprintf(score, sizeof score, "%.4f", h.score);
    out += ", \"score\": ";
    out += score;
    out += ", \"snippet\": ";
    out += JsonQuote(h.snippet);
    out += "}";
  }
  out += "]}\n";
  std::fputs(out.c_str(), stdout);
}

// The snippet for a terminal: marks as bold (when stdout is one), entities decoded.
std::string TerminalSnippet(std::string_view html, bool tty) {
  std::string out;
  for (size_t i = 0; i < html.size();) {
    auto take = [&](std::string_view from, std::string_view to) {
      if (html.substr(i, from.size()) != from) return false;
      out += to;
      i += from.size();
      return true;
    };
    if (take("<mark>", tty ? "\x1b[1m" : "") || take("</mark>", tty ? "\x1b[0m" : "") ||
        take("&amp;", "&") || take("&lt;", "<") || take("&gt;", ">") || take("&quot;", "\"") ||
        take("&#39;", "'")) {
      continue;
    }
    out.push_back(html[i++]);
  }
  return out;
}

void PrintText(const search::SearchResults& r, int offset) {
  bool tty = ::isatty(STDOUT_FILENO);
  if (!r.did_you_mean.empty()) std::printf("Did you mean: %s\n\n", r.did_you_mean.c_str());
  for (size_t i = 0; i < r.hits.size(); ++i) {
    const search::SearchHit& h = r.hits[i];
    std::string authors;
    for (size_t a = 0; a < h.authors.size() && a < 3; ++a) {
      if (a) authors += ", ";
      authors += h.authors[a];
    }
    if (h.authors.size() > 3) authors += " et al.";
    std::printf("%zu. [%s] %s\n   %s | %s | score %.2f\n   %s\n\n", offset + i + 1, h.id.c_str(),
                h.title.c_str(), authors.c_str(), h.published_at.substr(0, 10).c_str(), h.score,
                TerminalSnippet(h.snippet, tty).c_str());
  }
  std::printf("%zu shown of about %lld\n", r.hits.size(), static_cast<long long>(r.total_estimate));
}

int RunSearch(const SearchArgs& args) {
  std::string query = JoinWords(args.words);
  auto sort = search::ParseSortOrder(args.sort);
  if (!sort) {
    std::fprintf(stderr, "paperpulse search: %s\n", sort.error().message.c_str());
    return 2;
  }
  // Bring the index up to date first; when `serve` holds it, its indexer
  // keeps it current and we only read.
  search::IndexerOptions indexer_options;
  indexer_options.store = args.common.ToStoreOptions();
  auto indexer = search::Indexer::Create(indexer_options);
  if (!indexer) {
    std::fprintf(stderr, "paperpulse search: %s\n", indexer.error().message.c_str());
    return 1;
  }
  if (Status s = (*indexer)->CatchUp(); !s && s.error().code != ErrorCode::kUnavailable) {
    std::fprintf(stderr, "paperpulse search: updating the index: %s\n", s.error().message.c_str());
    return 1;
  }
  indexer->reset();

  auto index = search::OpenIndex(args.common.data_dir);
  if (!index) {
    std::fprintf(stderr, "paperpulse search: %s\n", index.error().message.c_str());
    return 1;
  }
  search::SearchOptions options;
  options.limit = args.limit;
  options.offset = args.offset;
  options.sort = *sort;
  options.from = args.from;
  options.to = args.to;
  options.category = args.category;
  auto results = (*index)->Search(query, options);
  if (!results) {
    std::fprintf(stderr, "paperpulse search: %s\n", results.error().message.c_str());
    return results.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  if (args.json) {
    PrintJson(query, *results);
  } else {
    PrintText(*results, args.offset);
  }
  return 0;
}

}  // namespace

void RegisterSearch(CLI::App& app, Command* run) {
  auto* cmd = app.add_subcommand(
      "search",
      "Search the papers: free text, \"phrases\", author:, title:, abs:, cat:, id:, year:, "
      "AND/OR/NOT, prefix*; an arXiv id or URL finds that paper");
  auto args = std::make_shared<SearchArgs>();
  AddCommonOptions(*cmd, args->common);
  cmd->add_option("query", args->words, "The query (several words are joined)")->required();
  cmd->add_option("-n,--limit", args->limit, "Number of results")
      ->check(CLI::Range(1, search::kMaxLimit))
      ->capture_default_str();
  cmd->add_option("--offset", args->offset, "Skip this many results")
      ->check(CLI::Range(0, search::kMaxOffset));
  cmd->add_option("--sort", args->sort, "relevance, date, upvotes or trending")
      ->capture_default_str();
  cmd->add_option("--from", args->from, "Only papers submitted on or after YYYY-MM-DD");
  cmd->add_option("--to", args->to, "Only papers submitted on or before YYYY-MM-DD");
  cmd->add_option("--category", args->category,
                  "Only papers listed in this category (cs.CL, hep-th)");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([=] { *run = [=] { return RunSearch(*args); }; });
}

}  // namespace paperpulse::cli
