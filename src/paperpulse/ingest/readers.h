// Factories of every input-format reader (one file per format). The import
// pipeline reaches them through AllReaders() in registry.cc.
#pragma once

#include <memory>

#include "paperpulse/ingest/reader.h"

namespace paperpulse::ingest {

// Add one line per reader; keep registry.cc's order in step.
std::unique_ptr<Reader> MakeHfDailyJsonReader();         // hf_daily_json.cc
std::unique_ptr<Reader> MakeKaggleJsonlReader();         // kaggle_jsonl.cc
std::unique_ptr<Reader> MakeDailyListingJsonlReader();   // daily_listing_jsonl.cc
std::unique_ptr<Reader> MakeOaiDcJsonlReader();          // oai_dc_jsonl.cc
std::unique_ptr<Reader> MakeHttpRecordingReader();       // http_recording.cc
std::unique_ptr<Reader> MakeOaiPmhReader();              // oai_pmh.cc
std::unique_ptr<Reader> MakeArxivAtomReader();           // arxiv_atom.cc
std::unique_ptr<Reader> MakeKaggleCsvReader();           // kaggle_csv.cc
std::unique_ptr<Reader> MakePaperPopularityCsvReader();  // paper_popularity_csv.cc
std::unique_ptr<Reader> MakeGithubStarsCsvReader();      // github_stars_csv.cc
std::unique_ptr<Reader> MakeAbstractsCsvReader();        // abstracts_csv.cc
std::unique_ptr<Reader> MakeArxivAbsReader();            // arxiv_abs.cc

}  // namespace paperpulse::ingest
