#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
std::unique_ptr<Reader> MakeHfDailyJsonReader() { return nullptr; }
}  // namespace paperpulse::ingest
