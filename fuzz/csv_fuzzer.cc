// The RFC 4180 CSV tokenizer under every reader of CSV files (ingest/csv.h),
// with both delimiters, fed in chunks; and the header sniffer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "paperpulse/ingest/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace paperpulse;
  using ingest::CsvReader;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ingest::SniffCsvHeader(text);
  ingest::CsvOptions options;
  options.delimiter = size % 2 == 0 ? ',' : '\t';
  options.max_field_bytes = 256;  // small limits, so that inputs reach them
  options.max_record_bytes = 1024;
  fuzz::ChunkedSource source(text, fuzz::ChunkFor(size), "fuzz.csv");
  CsvReader reader(source, options);
  int64_t last_line = 0;
  for (;;) {
    auto outcome = reader.Next();
    if (!outcome || *outcome == CsvReader::Outcome::kEnd) break;
    PP_FUZZ_CHECK(reader.record_line() >= last_line);
    last_line = reader.record_line();
    if (*outcome == CsvReader::Outcome::kBadRecord) {
      PP_FUZZ_CHECK(!reader.bad_reason().empty());
      continue;
    }
    size_t bytes = 0;
    for (const auto& f : reader.fields()) {
      PP_FUZZ_CHECK(f.size() <= options.max_field_bytes);
      PP_FUZZ_CHECK(IsValidUtf8(f));
      bytes += f.size();
    }
    PP_FUZZ_CHECK(bytes <= options.max_record_bytes);
    (void)ingest::DataColumns(reader.fields());
  }
  return 0;
}
