// Shared pieces of the fuzz targets: a record sink that checks what readers
// promise (reader.h) and a byte source that hands its bytes over in small
// chunks, so that buffer refills fall everywhere in the input.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/ingest/reader.h"
#include "paperpulse/ingest/source.h"
#include "paperpulse/ingest/store_sink.h"

namespace paperpulse::fuzz {

// Stops the run with a message when an invariant does not hold: libFuzzer
// reports the abort as a crash and saves the input.
#define PP_FUZZ_CHECK(cond)                                                         \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)

// A paper id from a reader must be a canonical base id (reader.h: "already
// validated with ParseArxivId"), or empty for records without one.
inline void CheckPaperId(const Paper& paper) {
  if (paper.id.empty()) return;
  auto id = ParseArxivId(paper.id);
  PP_FUZZ_CHECK(id.has_value());
  PP_FUZZ_CHECK(id->base == paper.id);
}

// What the import pipeline does with each record, minus the Store: the
// checks of StoreSink (ValidatePaper, ValidateDailyEntry) run on every paper.
class CheckingSink final : public ingest::RecordSink {
 public:
  void OnPaper(Paper paper, const ingest::SourcePos& pos) override {
    CheckPaperId(paper);
    (void)pos.ToString();
    if (!ingest::ValidatePaper(paper)) {
      // A paper that passed validation is what the Store receives: text
      // fields must then be valid UTF-8.
      PP_FUZZ_CHECK(IsValidUtf8(paper.title));
      PP_FUZZ_CHECK(IsValidUtf8(paper.abstract));
    }
  }
  void OnDailyEntry(DailyEntry entry, Paper paper, const ingest::SourcePos& pos) override {
    CheckPaperId(paper);
    (void)pos.ToString();
    (void)ingest::ValidateDailyEntry(entry);
    (void)ingest::ValidatePaper(paper);
  }
  void OnReject(const ingest::SourcePos& pos, std::string reason) override {
    (void)pos.ToString();
    PP_FUZZ_CHECK(!reason.empty());
  }
  void OnResumption(const std::string&, int64_t) override {}
};

// Hands out `data` at most `chunk` bytes per Read (0 = all at once).
class ChunkedSource final : public ingest::ByteSource {
 public:
  ChunkedSource(std::string_view data, size_t chunk, std::string name)
      : ByteSource(std::move(name)), data_(data), chunk_(chunk) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (chunk_ != 0) n = std::min(n, chunk_);
    size_t k = std::min(n, data_.size() - pos_);
    if (k != 0) std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  Result<std::string_view> Peek(size_t n) override {
    return data_.substr(0, std::min(n, data_.size()));
  }
  int64_t RawPosition() const override { return static_cast<int64_t>(pos_); }
  int64_t RawSize() const override { return static_cast<int64_t>(data_.size()); }

 private:
  std::string_view data_;
  size_t chunk_;
  size_t pos_ = 0;
};

// A chunk size that depends on the input's length only (so that seeds and
// dictionaries need no extra control byte): all at once for most inputs,
// small odd chunks for some.
inline size_t ChunkFor(size_t size) {
  static constexpr size_t kChunks[] = {0, 0, 0, 1, 7, 64, 4093};
  return kChunks[size % (sizeof(kChunks) / sizeof(kChunks[0]))];
}

}  // namespace paperpulse::fuzz
