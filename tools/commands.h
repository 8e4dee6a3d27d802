// The `herald` commands, each in its own file: run and resume
// (run_command.cc), render (render_command.cc), lookup (lookup_command.cc),
// serve (serve_command.cc);
// texts and stats are tools/store_commands.h. Each returns the exit status.
#ifndef HERALD_TOOLS_COMMANDS_H_
#define HERALD_TOOLS_COMMANDS_H_

#include <string>
#include <vector>

#include "tools/run_flags.h"

namespace herald {

// `herald run`: sends the broadcast the flags describe, through the Engine.
int Run(RunFlags flags);
// `herald resume`: carries on the last running or stopped broadcast of
// `state_dir`.
int Resume(const std::string& state_dir, bool quiet);
// `herald render`: every row through the pipeline, nothing sent.
int Render(const RunFlags& flags);

struct LookupFlags {
  std::vector<std::string> numbers;
  std::string at;
  std::string campaign;
  std::string tz_data;
};
// `herald lookup`: where numbers are, and when a campaign may send to them.
int Lookup(const LookupFlags& flags);

struct ServeFlags {
  std::string state;
  std::string listen = "127.0.0.1:8080";
  std::string credentials;
  std::string tls_cert;
  std::string tls_key;
  std::string providers;
  std::string provider;
  std::string webhook_secret_file;
  size_t body_limit = 16 << 20;
  uint64_t upload_limit = uint64_t{8} << 30;
  int max_connections = 512;
  int handler_threads = 4;
  int idle_timeout_seconds = 60;
  int header_timeout_seconds = 10;
  int workers = 0;
};
// `herald serve`: the CallFire API over the state directory until SIGTERM.
int Serve(const ServeFlags& flags);

}  // namespace herald

#endif  // HERALD_TOOLS_COMMANDS_H_
