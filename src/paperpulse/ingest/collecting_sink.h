// A RecordSink that keeps everything it is given: for reader tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

class CollectingSink : public RecordSink {
 public:
  struct Reject {
    SourcePos pos;
    std::string reason;
  };
  struct Daily {
    DailyEntry entry;
    Paper paper;
  };

  void OnPaper(Paper paper, const SourcePos&) override { papers.push_back(std::move(paper)); }
  void OnDailyEntry(DailyEntry entry, Paper paper, const SourcePos&) override {
    daily.push_back({std::move(entry), std::move(paper)});
  }
  void OnReject(const SourcePos& pos, std::string reason) override {
    rejects.push_back({pos, std::move(reason)});
  }
  void OnResumption(const std::string& token, int64_t complete_list_size) override {
    resumption_token = token;
    complete_size = complete_list_size;
  }

  std::vector<Paper> papers;
  std::vector<Daily> daily;
  std::vector<Reject> rejects;
  std::string resumption_token;
  int64_t complete_size = -1;
};

}  // namespace paperpulse::ingest
