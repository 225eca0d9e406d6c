// paperpulse-testing: the paperpulse CLI with test-only time control on
// (PAPERPULSE_TEST_TIME_SPEED, base/clock.h), for the integration tests
// that wait out a Retry-After or a daily schedule in milliseconds. Built
// from the same libraries as paperpulse; never installed or shipped.
#include "paperpulse/base/clock.h"
#include "paperpulse/cli/cli.h"

int main(int argc, char** argv) {
  paperpulse::EnableTestTimeSpeedFromEnvironment();  // before any thread starts
  return paperpulse::cli::Main(argc, argv);
}
