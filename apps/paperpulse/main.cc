#include "paperpulse/cli/cli.h"

int main(int argc, char** argv) { return paperpulse::cli::Main(argc, argv); }
