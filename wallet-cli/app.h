// The `agritrace` command line: builds the CLI11 app, parses, runs the chosen command.
#pragma once

#include <iosfwd>

namespace agritrace::wallet {

// Returns the process exit code: 0 on success, 1 when a command fails (after printing
// "error: REASON: sentence"), 2 on a usage error.
int RunCli(int argc, char** argv);
// Same, printing to the given streams (for tests).
int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace agritrace::wallet
