// The herald command line. `herald run` sends a broadcast over contact CSVs.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/broadcast.h"
#include "engine/broadcast_run.h"
#include "engine/file_io.h"
#include "engine/outbox_transport.h"
#include "engine/outcome_log.h"
#include "engine/phone_number.h"
#include "engine/preview_transport.h"
#include "engine/provider_config.h"
#include "engine/provider_transport.h"
#include "engine/recipient_gates.h"
#include "engine/run_report.h"
#include "engine/sms_encoding.h"
#include "engine/webhook_config.h"
#include "engine/webhook_notifier.h"
#include "herald/clock.h"
#include "timezone/zone_table.h"
#include "tools/run_flags.h"
#include "tools/run_state.h"
#include "tools/store_commands.h"
#include "tools/time_flag.h"

namespace herald {
namespace {

// Exit statuses.
constexpr int kExitCompleted = 0;
constexpr int kExitStopped = 1;  // the run began but did not finish
constexpr int kExitBadInput = 2;

// What `run` and `lookup` use for time.
struct TimeSetup {
  std::unique_ptr<VirtualClock> virtual_clock;
  Clock* clock = RealClock();
  ZoneTable zones;
  absl::Time deadline = absl::InfiniteFuture();
};

absl::StatusOr<TimeSetup> MakeTimeSetup(const RunFlags& flags) {
  TimeSetup setup;
  if (flags.clock == "virtual") {
    absl::Time start = absl::Now();
    if (!flags.start.empty()) {
      absl::StatusOr<absl::Time> t = ParseTimeFlag("--start", flags.start);
      if (!t.ok()) return t.status();
      start = *t;
    }
    setup.virtual_clock = std::make_unique<VirtualClock>(start);
    setup.clock = setup.virtual_clock.get();
  } else if (!flags.start.empty()) {
    return absl::InvalidArgumentError("--start needs --clock virtual");
  }
  if (!flags.deadline.empty()) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag("--deadline", flags.deadline);
    if (!t.ok()) return t.status();
    setup.deadline = *t;
  }
  absl::StatusOr<ZoneTable> zones = ZoneTable::BuiltInWithOverrides(flags.tz_data);
  if (!zones.ok()) return zones.status();
  setup.zones = *std::move(zones);
  return setup;
}

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// The options shared by `run` and `render`.
RunOptions InputOptions(const RunFlags& flags) {
  RunOptions options;
  options.contact_paths = flags.contacts;
  options.dnc_paths = flags.dnc;
  options.phone_column = flags.phone_column;
  options.workers = flags.workers;
  return options;
}

// Counts UTF-8 characters (code points), as a person counts the message.
size_t Characters(absl::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

int Fail(const absl::Status& status) {
  std::cerr << "herald: " << status.message() << "\n";
  return kExitBadInput;
}

std::string Counts(const RunCounts& c) {
  return absl::StrCat("rows ", c.total, ": sent ", c.sent, " (", c.segments,
                      " segments), invalid ", c.invalid, ", duplicate ", c.dup,
                      ", do-not-text ", c.dnc, ", too big ", c.too_big,
                      ", errors ", c.errors, ", skipped ", c.skipped,
                      ", timeout ", c.timeout, ", remaining ", c.remaining);
}

// Prints the first few INVALID rows with file, line and reason, and `more`
// when there are further ones.
void PrintInvalidSamples(const RunReport& report, absl::string_view more) {
  constexpr size_t kShown = 5;
  for (size_t i = 0; i < report.invalid_samples.size(); ++i) {
    if (i == kShown) {
      std::cout << "  ... (" << more << ")\n";
      break;
    }
    const RowIssue& issue = report.invalid_samples[i];
    std::cout << "  invalid: " << issue.path << ":" << issue.line << ": "
              << issue.reason << "\n";
  }
}

// Names this broadcast in idempotency keys: a 64-bit FNV-1a hash of the
// campaign file and the contact paths, so the same command run again carries
// the same keys and a provider that saw a text before drops the repeat.
absl::StatusOr<std::string> DefaultRunId(const RunFlags& flags) {
  absl::StatusOr<std::string> campaign = ReadFile(flags.campaign);
  if (!campaign.ok()) return campaign.status();
  uint64_t hash = 0xcbf29ce484222325;
  auto mix = [&hash](absl::string_view bytes) {
    for (unsigned char c : bytes) hash = (hash ^ c) * 0x100000001b3;
    hash = (hash ^ 0xff) * 0x100000001b3;  // ends each part
  };
  mix(*campaign);
  for (const std::string& path : flags.contacts) mix(path);
  return absl::StrFormat("h%016x", hash);
}

// The transport `run` sends through: the provider named by --provider, or
// the outbox file. flags.run_id must be set.
absl::StatusOr<std::unique_ptr<Transport>> MakeTransport(const RunFlags& flags,
                                                         Clock* clock) {
  if (flags.provider.empty()) {
    if (!flags.providers.empty()) {
      return absl::InvalidArgumentError(
          "--providers needs --provider NAME to choose one");
    }
    absl::StatusOr<std::unique_ptr<OutboxTransport>> outbox =
        OutboxTransport::Create(flags.outbox, clock);
    if (!outbox.ok()) return outbox.status();
    return std::unique_ptr<Transport>(*std::move(outbox));
  }
  if (flags.providers.empty()) {
    return absl::InvalidArgumentError("--provider needs --providers FILE");
  }
  absl::StatusOr<std::vector<ProviderConfig>> providers =
      LoadProvidersFile(flags.providers, ProcessEnv);
  if (!providers.ok()) return providers.status();
  auto it = std::find_if(
      providers->begin(), providers->end(),
      [&](const ProviderConfig& p) { return p.name == flags.provider; });
  if (it == providers->end()) {
    std::vector<std::string> names;
    for (const ProviderConfig& p : *providers) names.push_back(p.name);
    return absl::InvalidArgumentError(
        absl::StrCat(flags.providers, ": no provider named \"", flags.provider,
                     "\"; it has ", absl::StrJoin(names, ", ")));
  }
  ProviderTransportOptions options;
  options.key_prefix = flags.run_id;
  absl::StatusOr<std::unique_ptr<ProviderTransport>> transport =
      ProviderTransport::Create(*it, options);
  if (!transport.ok()) return transport.status();
  return std::unique_ptr<Transport>(*std::move(transport));
}

// How long a run's end waits for the webhook to take the last events.
constexpr absl::Duration kWebhookDrain = absl::Seconds(10);

// Set by SIGINT and SIGTERM: the run drains what is in flight and stops.
std::atomic<bool> interrupted{false};

void OnStopSignal(int) { interrupted = true; }

// The first SIGINT or SIGTERM asks the run to stop cleanly; a second one
// kills it the usual way (the store still lets it resume).
void CatchStopSignals() {
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int Run(RunFlags flags) {
  absl::StatusOr<Broadcast> broadcast = LoadBroadcastFile(flags.campaign);
  if (!broadcast.ok()) return Fail(broadcast.status());
  if (flags.run_id.empty()) {
    absl::StatusOr<std::string> id = DefaultRunId(flags);
    if (!id.ok()) return Fail(id.status());
    flags.run_id = *id;
  }
  std::optional<WebhookConfig> webhook;
  if (!flags.webhook.empty()) {
    if (flags.state.empty()) {
      return Fail(absl::InvalidArgumentError(
          "--webhook needs --state DIR: events wait in the store until the "
          "endpoint takes them"));
    }
    absl::StatusOr<WebhookConfig> config =
        LoadWebhookConfig(flags.webhook, ProcessEnv);
    if (!config.ok()) return Fail(config.status());
    webhook = *std::move(config);
  }
  // Declared so that the store goes first: its writer may wake the notifier
  // until it stops.
  std::atomic<WebhookNotifier*> wake{nullptr};
  std::unique_ptr<WebhookNotifier> notifier;
  std::optional<RunState> state;
  if (!flags.state.empty()) {
    SqliteStoreOptions store_options;
    store_options.record_events = webhook.has_value();
    if (webhook.has_value()) {
      store_options.on_finished = [&wake](absl::Span<const TextRecord>) {
        if (WebhookNotifier* n = wake.load()) n->Notify();
      };
    }
    absl::StatusOr<RunState> opened =
        OpenRunState(flags, *broadcast, std::move(store_options));
    if (!opened.ok()) return Fail(opened.status());
    state = *std::move(opened);
    if (webhook.has_value()) {
      absl::StatusOr<std::unique_ptr<WebhookNotifier>> started =
          WebhookNotifier::Start(StorePath(flags.state), *webhook);
      if (!started.ok()) return Fail(started.status());
      notifier = *std::move(started);
      wake = notifier.get();
    }
  }

  absl::StatusOr<TimeSetup> time = MakeTimeSetup(flags);
  if (!time.ok()) return Fail(time.status());
  absl::StatusOr<std::unique_ptr<Transport>> transport =
      MakeTransport(flags, time->clock);
  if (!transport.ok()) return Fail(transport.status());
  std::unique_ptr<JsonlOutcomeLog> outcomes;
  if (!flags.outcomes.empty()) {
    absl::StatusOr<std::unique_ptr<JsonlOutcomeLog>> log =
        JsonlOutcomeLog::Create(flags.outcomes);
    if (!log.ok()) return Fail(log.status());
    outcomes = *std::move(log);
  }

  std::vector<OutcomeSink*> sinks;
  if (outcomes != nullptr) sinks.push_back(outcomes.get());
  if (state.has_value()) sinks.push_back(state->store.get());
  OutcomeTee recorded(sinks);

  RunOptions options = InputOptions(flags);
  options.clock = time->clock;
  options.zones = &time->zones;
  options.deadline = time->deadline;
  if (state.has_value() && state->resume.has_value()) {
    options.resume = &*state->resume;
  }
  options.interrupt = &interrupted;
  CatchStopSignals();
  const bool show_progress = !flags.quiet && isatty(STDERR_FILENO);
  if (show_progress) {
    options.on_progress = [last_sent = uint64_t{0}, last_at = 0.0,
                           rate = 0.0](const RunProgress& p) mutable {
      // Texts answered SENT per second since the last line.
      if (p.elapsed_seconds > last_at) {
        rate = (p.sent - last_sent) / (p.elapsed_seconds - last_at);
      }
      last_sent = p.sent;
      last_at = p.elapsed_seconds;
      std::string line = absl::StrFormat(
          "herald: %d rows, %d sent (%.0f/s), %d in flight, %d waiting, %d to "
          "retry",
          p.rows, p.sent, rate, p.in_flight, p.waiting, p.callbacks);
      if (p.idle_until != absl::InfinitePast()) {
        absl::StrAppend(&line, ", idle until ", Utc(p.idle_until));
      } else if (!p.first_pass && rate > 0) {
        absl::StrAppend(&line, ", ETA ",
                        absl::FormatDuration(absl::Seconds(std::ceil(
                            (p.in_flight + p.callbacks + p.waiting) / rate))));
      }
      for (const auto& [zone, rows] : p.deferred_by_zone) {
        absl::StrAppend(&line, "; ", rows, " deferred in ", zone);
      }
      std::fprintf(stderr, "\r\033[K%s", line.c_str());
    };
  }

  absl::StatusOr<RunReport> report =
      RunBroadcast(*broadcast, options, transport->get(),
                   sinks.empty() ? nullptr : &recorded);
  if (show_progress) std::fprintf(stderr, "\r\033[K");
  if (!report.ok()) return Fail(report.status());
  if (state.has_value()) {
    absl::Status marked =
        state->store->SetStatus(report->status.ok() ? "FINISHED" : "STOPPED");
    if (marked.ok()) marked = state->store->Flush();
    if (!marked.ok()) return Fail(marked);
  }
  std::string webhook_summary;
  if (notifier != nullptr) {
    absl::StatusOr<uint64_t> left = notifier->Finish(kWebhookDrain);
    const WebhookNotifier::Stats hooks = notifier->stats();
    webhook_summary = absl::StrCat(
        "webhook: ", hooks.events_delivered, " Finished events delivered in ",
        hooks.posts, " posts (", hooks.retries, " retries)");
    if (!left.ok()) {
      absl::StrAppend(&webhook_summary, "; ", left.status().message());
    } else if (*left > 0) {
      absl::StrAppend(&webhook_summary, "; ", *left,
                      " wait in the store for the next run or resume");
    }
  }

  for (const std::string& warning : report->warnings) {
    std::cerr << "herald: warning: " << warning << "\n";
  }
  if (report->dnc.rejected > 0) {
    std::cerr << "herald: warning: " << report->dnc.rejected
              << " DNC line(s) could not be read, e.g. "
              << report->dnc.rejected_samples.front() << "\n";
  }
  if (!flags.report.empty()) {
    absl::StatusOr<std::unique_ptr<OutputFile>> file =
        OutputFile::Create(flags.report);
    absl::Status written = file.status();
    if (file.ok()) {
      written = (*file)->Append(RunReportJson(*broadcast, *report));
      if (written.ok()) written = (*file)->Close();
    }
    if (!written.ok()) return Fail(written);
  }

  if (!flags.quiet) {
    std::cout << absl::StrFormat(
        "herald: broadcast \"%s\" %s in %.2f s (%.0f rows/s)\n",
        broadcast->name, report->status.ok() ? "completed" : "STOPPED",
        report->elapsed_seconds, report->RowsPerSecond());
    std::cout << "  " << Counts(report->totals) << "\n";
    if (report->passes.size() > 1) {
      std::cout << "  " << report->passes.size()
                << " passes over the contacts, clock "
                << Utc(report->started_at) << " to " << Utc(report->ended_at)
                << "\n";
    }
    if (report->batches.size() > 1) {
      for (const BatchReport& batch : report->batches) {
        std::cout << "  batch " << batch.id << " " << batch.path << ": "
                  << Counts(batch.counts) << "\n";
      }
    }
    PrintInvalidSamples(*report, "all of them in --report or --outcomes");
    if (const auto* provider =
            dynamic_cast<const ProviderTransport*>(transport->get())) {
      const ProviderTransportStats stats = provider->stats();
      std::cout << "  provider " << flags.provider << ": " << stats.requests
                << " requests (" << stats.throttled << " throttled) over "
                << stats.connections << " connection(s)\n";
    } else {
      std::cout << "  outbox: " << flags.outbox << "\n";
    }
    if (!webhook_summary.empty()) std::cout << "  " << webhook_summary << "\n";
  }
  if (!report->status.ok()) {
    std::cerr << "herald: run stopped: " << report->status.message() << "\n";
    return kExitStopped;
  }
  return kExitCompleted;
}

// `herald resume`: the stored command, run again.
int Resume(const std::string& state_dir, bool quiet) {
  absl::StatusOr<RunFlags> flags = ReadStoredRunFlags(state_dir);
  if (!flags.ok()) return Fail(flags.status());
  flags->quiet = quiet;
  return Run(*std::move(flags));
}

// `herald render`: every row through the pipeline, nothing sent; shows the
// first texts as the handset will and what the whole file will cost.
int Render(const RunFlags& flags) {
  absl::StatusOr<Broadcast> broadcast = LoadBroadcastFile(flags.campaign);
  if (!broadcast.ok()) return Fail(broadcast.status());
  // A preview shows every text whatever the time: its windows are not applied.
  broadcast->local_time_restriction.enabled = false;
  broadcast->schedules.clear();
  broadcast->compliance_profile = ComplianceProfile::kNone;
  broadcast->unknown_zone_policy = {};
  PreviewTransport preview(flags.limit);
  absl::StatusOr<RunReport> report =
      RunBroadcast(*broadcast, InputOptions(flags), &preview, nullptr);
  if (!report.ok()) return Fail(report.status());
  for (const std::string& warning : report->warnings) {
    std::cerr << "herald: warning: " << warning << "\n";
  }

  for (const PreviewTransport::Text& text : preview.kept()) {
    std::cout << absl::StrFormat(
        "batch %d row %d to %s: %s, %d segment%s, %d characters\n", text.batch,
        text.recipient_id, E164Digits(text.to), EncodingName(text.encoding),
        text.segments, text.segments == 1 ? "" : "s", Characters(text.message));
    if (text.encoding == SmsEncoding::kUcs2) {
      std::cout << "  UCS-2 because of: "
                << absl::StrJoin(Ucs2Characters(text.message), " ") << "\n";
    }
    std::cout << "  " << text.message << "\n";
  }
  const RunCounts& c = report->totals;
  const PreviewTransport::Tally& gsm = preview.tally(SmsEncoding::kGsm7);
  const PreviewTransport::Tally& ucs = preview.tally(SmsEncoding::kUcs2);
  std::cout << absl::StrFormat(
      "total: %d rows; %d texts to send as %d segments (GSM-7: %d texts, %d "
      "segments; UCS-2: %d texts, %d segments); too big %d, invalid %d, "
      "duplicate %d, do-not-text %d\n",
      c.total, c.sent, c.segments, gsm.texts, gsm.segments, ucs.texts,
      ucs.segments, c.too_big, c.invalid, c.dup, c.dnc);
  PrintInvalidSamples(*report, "run herald run --outcomes for all of them");
  return kExitCompleted;
}

struct LookupFlags {
  std::vector<std::string> numbers;
  std::string at;
  std::string campaign;
  std::string tz_data;
};

// The wall clocks of `zones` at `t`, e.g.
// "America/Denver 08:00:00 MST, America/Phoenix 08:00:00 MST".
std::string WallClocks(const std::vector<absl::TimeZone>& zones, absl::Time t) {
  std::vector<std::string> clocks;
  for (const absl::TimeZone& zone : zones) {
    clocks.push_back(absl::StrCat(zone.name(), " ",
                                  absl::FormatTime("%a %H:%M:%S %Z", t, zone)));
  }
  return absl::StrJoin(clocks, ", ");
}

// `herald lookup`: where a number is, and whether and when a campaign may
// send to it: the answer to "why wasn't this one sent?".
int Lookup(const LookupFlags& flags) {
  absl::StatusOr<ZoneTable> zones = ZoneTable::BuiltInWithOverrides(flags.tz_data);
  if (!zones.ok()) return Fail(zones.status());
  Broadcast broadcast;
  if (!flags.campaign.empty()) {
    absl::StatusOr<Broadcast> loaded = LoadBroadcastFile(flags.campaign);
    if (!loaded.ok()) return Fail(loaded.status());
    broadcast = *std::move(loaded);
  }
  std::optional<RecipientGates> gates;
  absl::Time at;
  if (!flags.at.empty()) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag("--at", flags.at);
    if (!t.ok()) return Fail(t.status());
    at = *t;
    absl::StatusOr<RecipientGates> built =
        RecipientGates::Build(broadcast, *zones, at, absl::InfiniteFuture());
    if (!built.ok()) return Fail(built.status());
    gates = *std::move(built);
  }

  int exit_code = kExitCompleted;
  for (const std::string& text : flags.numbers) {
    absl::StatusOr<PhoneNumber> number = ParseNanpNumber(text);
    if (!number.ok()) {
      std::cout << "\"" << text
                << "\": not a valid number: " << number.status().message()
                << "\n";
      exit_code = kExitBadInput;
      continue;
    }
    const ZoneGroupId id = zones->Lookup(*number);
    const ZoneGroup& group = zones->group(id);
    std::cout << E164Digits(*number) << ": ";
    if (id == 0) {
      std::cout << "no known time zone (toll-free, non-geographic or not in "
                   "service)\n";
    } else {
      std::cout << absl::StrJoin(group.zone_names, ", ") << "; "
                << (group.region.empty() ? "?" : group.region) << ", "
                << (group.country.empty() ? "?" : group.country) << "\n";
    }
    if (!gates) continue;
    std::cout << "  at " << Utc(at) << ": ";
    if (!gates->Sends(id)) {
      std::cout << "not sendable: unknownZonePolicy is skip (ends SKIPPED)\n";
      continue;
    }
    const std::vector<absl::TimeZone>& local = gates->Zones(id);
    const absl::Time next = gates->NextSendable(id, at);
    if (next == at) {
      std::cout << "sendable (" << WallClocks(local, at) << ")\n";
    } else if (next == absl::InfiniteFuture()) {
      std::cout << "not sendable (" << WallClocks(local, at)
                << "), and no window opens again (ends TIMEOUT)\n";
    } else {
      std::cout << "not sendable (" << WallClocks(local, at)
                << "); next sendable " << Utc(next) << " ("
                << WallClocks(local, next) << ")\n";
    }
  }
  return exit_code;
}

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
  command->add_option("--phone-column", flags->phone_column,
                      "Column holding the number (default: phoneNumber, "
                      "mobilePhone, homePhone or workPhone)");
  command
      ->add_option("--workers", flags->workers,
                   "Classifying threads (default: one per core)")
      ->check(CLI::NonNegativeNumber);
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
                  "Keep the broadcast's state in DIR (SQLite); the same "
                  "command again, or `herald resume`, continues it");

  std::string resume_dir;
  bool resume_quiet = false;
  CLI::App* resume = app.add_subcommand(
      "resume", "Continue the broadcast kept in a state directory");
  resume->add_option("--state", resume_dir, "The broadcast's state directory")
      ->required();
  resume->add_flag("--quiet", resume_quiet, "No progress line and no summary");

  CLI::App* render = app.add_subcommand(
      "render", "Show the messages a broadcast would send and their cost");
  herald::AddInputFlags(render, &flags);
  render->add_option("--limit", flags.limit, "Texts to show")
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

  herald::AddStoreCommands(&app);

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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : herald::kExitBadInput;
  }
  if (run->parsed()) return herald::Run(flags);
  if (resume->parsed()) return herald::Resume(resume_dir, resume_quiet);
  if (render->parsed()) return herald::Render(flags);
  if (lookup->parsed()) return herald::Lookup(lookup_flags);
  return herald::kExitBadInput;
}
