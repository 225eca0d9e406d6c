// Locations of test inputs, for unit tests (ctest sets PAPERPULSE_SOURCE_DIR).
#pragma once

#include <cstdlib>
#include <string>

namespace paperpulse::testing {

// The repository root.
inline std::string SourceDir() {
  const char* dir = std::getenv("PAPERPULSE_SOURCE_DIR");
  return dir ? dir : ".";
}

// ../shared/data beside the repository (real arXiv / HF data).
inline std::string SharedDataDir() { return SourceDir() + "/../shared/data"; }

}  // namespace paperpulse::testing
