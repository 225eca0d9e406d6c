// Factories of every input-format reader (one file per format). The import
// pipeline reaches them through AllReaders() in registry.cc.
#pragma once

#include <memory>

#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

// Add one line per reader; keep registry.cc's order in step.
std::unique_ptr<Reader> MakeHfDailyJsonReader();  // hf_daily_json.cc

}  // namespace paperpulse::ingest
