#include "paperpulse/http/metrics.h"

#include <charconv>

namespace paperpulse::http {
namespace {

// The shortest text that reads back as `v` ("0.005", not
// "0.0050000000000000001"): bucket labels must be stable and readable.
void AppendNumber(std::string& out, double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) {
    out += "NaN";
    return;
  }
  out.append(buf, end);
}

}  // namespace

void Metrics::Record(std::string_view route, int status, double seconds) {
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  std::lock_guard lock(mu_);
  auto it = routes_.find(route);
  if (it == routes_.end()) it = routes_.emplace(std::string(route), RouteStats{}).first;
  RouteStats& r = it->second;
  ++r.by_status[status];
  if (bucket < kBuckets.size()) ++r.buckets[bucket];
  ++r.count;
  r.sum += seconds;
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::Render() const {
  std::string out;
  std::vector<Gauge> gauges;
  {
    std::lock_guard lock(mu_);
    gauges = gauges_;
    out += "# HELP paperpulse_http_requests_total HTTP requests by route and status.\n";
    out += "# TYPE paperpulse_http_requests_total counter\n";
    for (const auto& [route, r] : routes_) {
      for (const auto& [status, n] : r.by_status) {
        out += "paperpulse_http_requests_total{route=\"";
        out += route;
        out += "\",status=\"";
        out += std::to_string(status);
        out += "\"} ";
        out += std::to_string(n);
        out += '\n';
      }
    }
    out += "# HELP paperpulse_http_request_duration_seconds Time to answer a request, by route.\n";
    out += "# TYPE paperpulse_http_request_duration_seconds histogram\n";
    for (const auto& [route, r] : routes_) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i <= kBuckets.size(); ++i) {
        out += "paperpulse_http_request_duration_seconds_bucket{route=\"";
        out += route;
        out += "\",le=\"";
        if (i < kBuckets.size()) {
          cumulative += r.buckets[i];
          AppendNumber(out, kBuckets[i]);
        } else {
          cumulative = r.count;
          out += "+Inf";
        }
        out += "\"} ";
        out += std::to_string(cumulative);
        out += '\n';
      }
      out += "paperpulse_http_request_duration_seconds_sum{route=\"";
      out += route;
      out += "\"} ";
      AppendNumber(out, r.sum);
      out += "\npaperpulse_http_request_duration_seconds_count{route=\"";
      out += route;
      out += "\"} ";
      out += std::to_string(r.count);
      out += '\n';
    }
  }
  // Gauges are read outside the lock: they may query the Store.
  for (const Gauge& g : gauges) {
    for (std::string_view part : std::initializer_list<std::string_view>{
             "# HELP ", g.name, " ", g.help, "\n# TYPE ", g.name, " gauge\n", g.name, " "}) {
      out += part;
    }
    AppendNumber(out, g.read());
    out += '\n';
  }
  return out;
}

}  // namespace paperpulse::http
