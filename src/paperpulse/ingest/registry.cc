#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {

std::string SourcePos::ToString() const {
  // Appends piecewise: GCC 12 warns falsely (-Wrestrict) on `s + to_string`.
  std::string out = file;
  if (line > 0) {
    out.push_back(':');
    out.append(std::to_string(line));
  } else if (offset >= 0) {
    out.push_back('@');
    out.append(std::to_string(offset));
  }
  if (index >= 0) {
    out.append(" (record ");
    out.append(std::to_string(index + 1));
    out.push_back(')');
  }
  return out;
}

std::vector<std::unique_ptr<Reader>> AllReaders() {
  std::vector<std::unique_ptr<Reader>> readers;
  // Most specific first: a reader listed earlier wins when two would accept.
  // Before the JSON data readers: a recording is a JSON object/array too.
  readers.push_back(MakeHttpRecordingReader());
  readers.push_back(MakeHfDailyJsonReader());
  readers.push_back(MakeKaggleJsonlReader());
  readers.push_back(MakeDailyListingJsonlReader());
  readers.push_back(MakeOaiDcJsonlReader());
  readers.push_back(MakeOaiPmhReader());
  readers.push_back(MakeArxivAtomReader());
  readers.push_back(MakeKaggleCsvReader());
  readers.push_back(MakePaperPopularityCsvReader());
  readers.push_back(MakeGithubStarsCsvReader());
  readers.push_back(MakeAbstractsCsvReader());
  readers.push_back(MakeArxivAbsReader());
  return readers;
}

Reader* DetectReader(const std::vector<std::unique_ptr<Reader>>& readers, std::string_view head,
                     std::string_view path) {
  for (const auto& r : readers) {
    if (r->Sniff(head, path)) return r.get();
  }
  return nullptr;
}

}  // namespace paperpulse::ingest
