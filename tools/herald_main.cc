// The herald command line: the commands and their flags (CLI11). Each
// command is its own file (tools/commands.h).
#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "engine/pipeline/broadcast_run.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/run_flags.h"
#include "tools/store_commands.h"

namespace herald {
namespace {

// Adds the flags that say what to read: campaign, contacts, DNC lists.
void AddInputFlags(CLI::App* command, RunFlags* flags) {
  command
      ->add_option("--campaign", flags->campaign,
                   "Broadcast definition (CallFire TextBroadcast JSON)")
      ->required();
  command
      ->add_option("--contacts", flags->contacts,
                   "Contact CSV with a header row; repeat for more batches")
      ->required();
  command->add_option("--dnc", flags->dnc,
                      "Do-not-contact list: a number per line, or a CSV with "
                      "a number column; repeatable");
  command->add_flag("--dnc-skip-unreadable", flags->dnc_skip_unreadable,
                    "Send even when DNC lines cannot be read (counted in the "
                    "report); without it such a line stops the run");
  command->add_option("--phone-column", flags->phone_column,
                      "Column holding the number (default: phoneNumber, "
                      "mobilePhone, homePhone or workPhone)");
  command
      ->add_option("--workers", flags->workers,
                   "Classifying threads, 1 to 256 (default: one per core)")
      ->check(CLI::Range(0, kMaxWorkers));
}

}  // namespace
}  // namespace herald

int main(int argc, char** argv) {
  CLI::App app{"herald: a broadcast dispatch engine for text messages"};
  app.require_subcommand(1);

  herald::RunFlags flags;
  CLI::App* run = app.add_subcommand("run", "Send a broadcast to contact CSVs");
  herald::AddInputFlags(run, &flags);
  run->add_option("--outbox", flags.outbox,
                  "Outbox file, one JSON line per message sent")
      ->capture_default_str();
  run->add_option("--report", flags.report, "Write the run's JSON report here");
  run->add_option("--outcomes", flags.outcomes,
                  "Write every row's final state here as JSON lines");
  run->add_flag("--quiet", flags.quiet, "No progress line and no summary");
  run->add_option("--providers", flags.providers,
                  "Providers file (JSON): URLs, credential sources, limits");
  run->add_option("--provider", flags.provider,
                  "Send through this provider of --providers instead of the "
                  "outbox");
  run->add_option("--run-id", flags.run_id,
                  "Prefix of the idempotency keys (default: a hash of the "
                  "campaign file and the contact paths)");
  run->add_option("--webhook", flags.webhook,
                  "Post Finished events to the webhook this file describes "
                  "(needs --state; see docs/WEBHOOKS.md)");
  run->add_option("--state", flags.state,
                  "Keep the broadcast in state directory DIR (SQLite); the "
                  "same command again, or `herald resume`, continues it");
  run->add_option("--synchronous", flags.synchronous,
                  "The store's commits with --state: normal (a power cut may "
                  "lose the last ones, resent with their keys), or full (on "
                  "the disk before the run goes on; slower)")
      ->check(CLI::IsMember({"normal", "full"}))
      ->capture_default_str();
  run->add_flag("--continue-broadcast", flags.continue_broadcast,
                "With --state: carry on the unfinished broadcast of these "
                "contacts with this (changed) campaign, for its rows not yet "
                "done, under its run id and keys");
  run->add_flag("--new-broadcast", flags.new_broadcast,
                "With --state: start a new broadcast even though one of "
                "these contacts is unfinished (its recipients are texted "
                "again)");

  std::string resume_dir;
  bool resume_quiet = false;
  CLI::App* resume = app.add_subcommand(
      "resume",
      "Continue the last running or stopped broadcast of a state directory");
  resume->add_option("--state", resume_dir, "The state directory")->required();
  resume->add_flag("--quiet", resume_quiet, "No progress line and no summary");

  CLI::App* render = app.add_subcommand(
      "render", "Show the messages a broadcast would send and their cost");
  herald::AddInputFlags(render, &flags);
  render->add_option("--limit", flags.limit, "Texts to show, 0 to 100000")
      ->capture_default_str();
  run->add_option("--tz-data", flags.tz_data,
                  "NPA-NXX time zones over the built-in table: "
                  "libphonenumber map_data, or npa,nxx,zone .csv");
  run->add_option("--clock", flags.clock,
                  "real, or virtual: start at --start and skip idle time")
      ->check(CLI::IsMember({"real", "virtual"}))
      ->capture_default_str();
  run->add_option("--start", flags.start,
                  "Virtual clock start, RFC 3339 (2026-11-23T09:00:00-05:00)");
  run->add_option("--deadline", flags.deadline,
                  "Send nothing from this time on (RFC 3339); rows still "
                  "waiting end TIMEOUT");

  const herald::StoreCommands store_commands(&app);

  herald::LookupFlags lookup_flags;
  CLI::App* lookup = app.add_subcommand(
      "lookup",
      "Show numbers' time zones and when a campaign may send to them");
  lookup->add_option("numbers", lookup_flags.numbers, "Phone numbers")
      ->required();
  lookup->add_option("--at", lookup_flags.at,
                     "Whether sendable at this time (RFC 3339), and when next");
  lookup->add_option("--campaign", lookup_flags.campaign,
                     "Broadcast whose windows apply (default: none)");
  lookup->add_option("--tz-data", lookup_flags.tz_data,
                     "NPA-NXX time zones over the built-in table");

  herald::ServeFlags serve_flags;
  CLI::App* serve = app.add_subcommand(
      "serve", "Serve CallFire's v2 REST API over a state directory");
  serve->add_option("--state", serve_flags.state, "The state directory")
      ->required();
  serve
      ->add_option("--listen", serve_flags.listen,
                   "HOST:PORT to listen on (port 0: any free one)")
      ->capture_default_str();
  serve->add_option("--credentials", serve_flags.credentials,
                    "The API's users: username:password lines, mode 0600 "
                    "(without it: no authentication, loopback only)");
  serve->add_option("--tls-cert", serve_flags.tls_cert,
                    "PEM certificate chain: serve HTTPS (with --tls-key)");
  serve->add_option("--tls-key", serve_flags.tls_key, "PEM private key");
  serve->add_option("--providers", serve_flags.providers,
                    "Providers file (JSON): URLs, credential sources, limits");
  serve->add_option("--provider", serve_flags.provider,
                    "Send every broadcast through this provider of "
                    "--providers (default: each broadcast's outbox)");
  serve->add_option("--webhook-secret-file", serve_flags.webhook_secret_file,
                    "The key that signs every webhook request, mode 0600 "
                    "(or HERALD_WEBHOOK_SECRET; without either: no "
                    "webhooks)");
  serve
      ->add_option("--body-limit", serve_flags.body_limit,
                   "Largest request body taken, in bytes")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1024}, size_t{1} << 34));
  serve
      ->add_option(
          "--upload-limit", serve_flags.upload_limit,
          "Largest upload (contact lists) in bytes; uploads stream to disk")
      ->capture_default_str();
  serve
      ->add_option("--max-connections", serve_flags.max_connections,
                   "Connections served at once; more are closed")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  serve
      ->add_option("--handler-threads", serve_flags.handler_threads,
                   "Threads that answer requests")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  serve
      ->add_option("--idle-timeout", serve_flags.idle_timeout_seconds,
                   "Seconds a kept-alive connection may send nothing")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  serve
      ->add_option("--header-timeout", serve_flags.header_timeout_seconds,
                   "Seconds a request's header may take to arrive")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve
      ->add_option("--workers", serve_flags.workers,
                   "Classifying threads per running broadcast (default: "
                   "one per core)")
      ->check(CLI::Range(0, herald::kMaxWorkers));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : herald::kExitBadInput;
  }
  if (run->parsed()) return herald::Run(flags);
  if (resume->parsed()) return herald::Resume(resume_dir, resume_quiet);
  if (render->parsed()) return herald::Render(flags);
  if (std::optional<int> code = store_commands.Run()) return *code;
  if (lookup->parsed()) return herald::Lookup(lookup_flags);
  if (serve->parsed()) return herald::Serve(serve_flags);
  return herald::kExitBadInput;
}
