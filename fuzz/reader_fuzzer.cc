// One input-format reader (chosen at build time by PP_READER_FACTORY, a
// factory of ingest/readers.h) over arbitrary bytes: Sniff, then Read into a
// sink that checks the records the way the import does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "paperpulse/ingest/readers.h"

#ifndef PP_READER_FACTORY
#error "define PP_READER_FACTORY to a reader factory such as MakeKaggleJsonlReader"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace paperpulse;
  static const auto reader = ingest::PP_READER_FACTORY();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Named like a real file of the format's folder: some readers take the
  // date of a list from it (HF daily files).
  (void)reader->Sniff(bytes, "fuzz/2024-05-27.json");
  fuzz::ChunkedSource source(bytes, fuzz::ChunkFor(size), "fuzz/2024-05-27.json");
  fuzz::CheckingSink sink;
  (void)reader->Read(source, sink);
  return 0;
}
