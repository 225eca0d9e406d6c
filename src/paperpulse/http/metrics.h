// Request counters, latency histograms and gauges, rendered in the Prometheus
// text exposition format (version 0.0.4) for /metrics.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paperpulse::http {

class Metrics {
 public:
  // Upper bounds (seconds) of the latency histogram buckets; +Inf is implied.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  // Counts one request to route `route` answered with `status` after
  // `seconds`. Thread-safe.
  void Record(std::string_view route, int status, double seconds);

  // Registers a gauge read when /metrics is rendered. `name` must be a valid
  // Prometheus metric name; `read` must be thread-safe and must not throw.
  // Components added later (search index, outbox) register theirs here.
  void AddGauge(std::string name, std::string help, std::function<double()> read);

  // All metrics in Prometheus text format. Thread-safe.
  std::string Render() const;

 private:
  struct RouteStats {
    std::map<int, uint64_t> by_status;
    std::array<uint64_t, kBuckets.size()> buckets{};  // non-cumulative counts
    uint64_t count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };

  mutable std::mutex mu_;
  std::map<std::string, RouteStats, std::less<>> routes_;
  std::vector<Gauge> gauges_;
};

}  // namespace paperpulse::http
