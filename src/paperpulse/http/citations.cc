#include "paperpulse/http/citations.h"

namespace paperpulse::http {

// STUB: filled in by the citations work.
Result<CitationFile> ParseCitationFile(std::string_view) {
  return Fail(ErrorCode::kInvalidArgument, "not implemented yet");
}

std::string CslJson(const std::vector<Paper>&) { return "[]"; }

}  // namespace paperpulse::http
