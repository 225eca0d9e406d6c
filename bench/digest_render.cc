// Digest rendering at scale (issue 10): N synthetic subscribers with varied
// filters (keywords from the period's real titles, categories, minimum
// upvotes) over the real papers imported from ../shared/data, rendered into
// the outbox by digest::RenderPeriod (select, render, compose, optionally
// DKIM-sign, commit). Prints rendered/s and the process's resident memory
// sampled after every batch, to show it stays flat. Run by
// bench/run-digest.sh, which also runs the Python competitor on the same
// subscribers (bench/digest_python.py, fed by the JSON written here).
//
// usage: digest_render DATA_DIR SUBSCRIBERS DATE [--dkim KEY.pem] [--export FILE.json]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "paperpulse/base/strings.h"
#include "paperpulse/digest/run.h"
#include "paperpulse/digest/select.h"
#include "paperpulse/mail/dkim.h"
#include "paperpulse/storage/store.h"

using namespace paperpulse;

namespace {

double RssMiB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

// Words of at least 5 letters from the candidates' titles, most frequent first.
std::vector<std::string> TitleWords(const std::vector<digest::Candidate>& candidates) {
  std::map<std::string, int> freq;
  for (const digest::Candidate& c : candidates) {
    std::string w;
    for (char ch : c.text.substr(0, c.text.find('\n')) + " ") {
      if (std::isalpha(static_cast<unsigned char>(ch))) {
        w.push_back(ch);
      } else {
        if (w.size() >= 5) ++freq[w];
        w.clear();
      }
    }
  }
  std::vector<std::pair<int, std::string>> by;
  for (auto& [w, n] : freq) by.push_back({-n, w});
  std::sort(by.begin(), by.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < by.size() && i < 200; ++i) out.push_back(by[i].second);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s DATA_DIR SUBSCRIBERS DATE [--dkim KEY] [--export FILE]\n",
                 argv[0]);
    return 2;
  }
  std::string data_dir = argv[1];
  int n = std::stoi(argv[2]);
  std::string date = argv[3];
  std::string dkim_key, export_path;
  for (int i = 4; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--dkim") dkim_key = argv[i + 1];
    if (flag == "--export") export_path = argv[i + 1];
  }
  auto store = storage::Store::Open({data_dir, ""});
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().ToString().c_str());
    return 1;
  }
  auto period = digest::PeriodEnding(DigestFrequency::kWeekly, date);
  auto candidates = digest::LoadCandidates(**store, *period);
  if (!period || !candidates || candidates->empty()) {
    std::fprintf(stderr, "no papers listed in the week ending %s\n", date.c_str());
    return 1;
  }
  std::vector<std::string> words = TitleWords(*candidates);
  std::vector<std::string> categories;
  for (const digest::Candidate& c : *candidates) {
    for (const std::string& cat : c.paper.categories) categories.push_back(cat);
  }

  // Subscribers: a third without filters, a third with 1-3 keywords from the
  // titles, the rest keywords plus a minimum of upvotes, some with categories.
  std::mt19937_64 rng(42);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto t0 = std::chrono::steady_clock::now();
  std::ofstream out;
  if (!export_path.empty()) out.open(export_path);
  if (out) out << "{\"subscribers\": [";
  Status added = (*store)->RunInTransaction([&]() -> Status {
    for (int i = 0; i < n; ++i) {
      Subscription s;
      s.email = "reader" + std::to_string(i) + "@bench.example.org";
      s.frequency = DigestFrequency::kWeekly;
      s.status = SubscriptionStatus::kActive;
      int kind = i % 3;
      if (kind >= 1) {
        for (int k = 0, m = 1 + static_cast<int>(rng() % 3); k < m; ++k) {
          s.keywords.push_back(pick(words));
        }
      }
      if (kind == 2) s.min_upvotes = static_cast<int64_t>(rng() % 20);
      if (kind == 2 && !categories.empty() && rng() % 4 == 0)
        s.categories.push_back(pick(categories));
      ASSIGN_OR_RETURN(int64_t id, (*store)->AddSubscription(s, "", 0, "2026-01-01T00:00:00Z"));
      if (out) {
        out << (i ? ",\n" : "\n") << "{\"id\": " << id << ", \"email\": " << JsonQuote(s.email)
            << ", \"keywords\": [";
        for (size_t k = 0; k < s.keywords.size(); ++k)
          out << (k ? ", " : "") << JsonQuote(s.keywords[k]);
        out << "], \"categories\": [";
        for (size_t k = 0; k < s.categories.size(); ++k)
          out << (k ? ", " : "") << JsonQuote(s.categories[k]);
        out << "], \"minUpvotes\": " << s.min_upvotes << "}";
      }
    }
    return Ok();
  });
  if (!added) {
    std::fprintf(stderr, "subscribing: %s\n", added.error().ToString().c_str());
    return 1;
  }
  if (out) out << "]}\n";
  double subscribe_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::unique_ptr<mail::DkimSigner> signer;
  if (!dkim_key.empty()) {
    auto s = mail::DkimSigner::FromFile(dkim_key, "bench", "example.org");
    if (!s) {
      std::fprintf(stderr, "%s\n", s.error().ToString().c_str());
      return 1;
    }
    signer = std::move(*s);
  }
  digest::RunOptions options;
  options.frequency = DigestFrequency::kWeekly;
  options.date = date;
  options.site = {"https://papers.example.org", {"digest@example.org", "paperpulse"}};
  options.dkim = signer.get();
  options.batch = 500;
  double rss_min = 1e18, rss_max = 0, rss_start = RssMiB();
  options.progress = [&](int64_t seen) {
    double rss = RssMiB();
    if (seen >= n / 10) {  // after warm-up: SQLite's page cache and the pool are built
      rss_min = std::min(rss_min, rss);
      rss_max = std::max(rss_max, rss);
    }
  };
  auto t1 = std::chrono::steady_clock::now();
  auto summary = digest::RenderPeriod(**store, nullptr, options, DefaultClock());
  double render_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  if (!summary) {
    std::fprintf(stderr, "render: %s\n", summary.error().ToString().c_str());
    return 1;
  }
  auto stats = (*store)->GetOutboxStats();
  std::printf(
      "paperpulse: %d subscribers (added in %.1f s), week ending %s: %zu papers listed\n"
      "paperpulse: rendered %lld, nothing new %lld in %.1f s = %.0f digests/s%s\n"
      "paperpulse: RSS %.0f MiB at start, %.0f..%.0f MiB from 10%% to the end (flat within %.0f "
      "MiB); "
      "outbox %lld pending\n",
      n, subscribe_s, date.c_str(), candidates->size(), static_cast<long long>(summary->rendered),
      static_cast<long long>(summary->nothing_new), render_s,
      static_cast<double>(summary->rendered) / render_s, signer ? " (DKIM-signed)" : "", rss_start,
      rss_min, rss_max, rss_max - rss_min, static_cast<long long>(stats ? stats->pending : -1));
  return 0;
}
