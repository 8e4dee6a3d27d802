// `herald texts` and `herald stats`: a broadcast's store, read while it runs
// or after. docs/STORE.md shows their output.
#ifndef HERALD_TOOLS_STORE_COMMANDS_H_
#define HERALD_TOOLS_STORE_COMMANDS_H_

#include "CLI/CLI.hpp"

namespace herald {

// Adds the `texts` and `stats` subcommands to `app`. Each runs from its
// subcommand's callback, inside app->parse(), and ends the process there
// with its own exit status: 0 after printing its JSON or table on stdout;
// 2 for a bad flag value, 1 when the store cannot be read, after printing
// "herald: <why>" on stderr. CLI11 itself reports missing or unknown flags
// through parse()'s exception, as for the other commands.
void AddStoreCommands(CLI::App* app);

}  // namespace herald

#endif  // HERALD_TOOLS_STORE_COMMANDS_H_
