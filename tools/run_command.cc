// `herald run` and `herald resume`: a broadcast through the Engine, followed
// on the terminal until it ends or is stopped.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "engine/base/file_io.h"
#include "engine/broadcast/broadcast.h"
#include "engine/ingest/phone_number.h"
#include "engine/message/sms_encoding.h"
#include "engine/pipeline/broadcast_run.h"
#include "engine/pipeline/preview_transport.h"
#include "engine/pipeline/recipient_gates.h"
#include "herald/clock.h"
#include "herald/engine.h"
#include "timezone/zone_table.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/flag_values.h"
#include "tools/run_flags.h"

namespace herald {
namespace {

// The counts of a run, with the names of `herald stats`.
std::string Counts(const RunCounts& c) {
  return absl::StrCat("rows ", c.total, ": sent ", c.sent, " (", c.segments,
                      " segments), invalid ", c.invalid, ", duplicate ", c.dup,
                      ", do-not-text ", c.dnc, ", too big ", c.too_big,
                      ", errors ", c.errors, ", skipped ", c.skipped,
                      ", timeout ", c.timeout, ", remaining ", c.remaining);
}

// Names this broadcast in idempotency keys: a 64-bit FNV-1a hash of the
// campaign file and the contacts' canonical paths, so the same command run
// again carries the same keys (and, with --state, finds its broadcast again)
// and a provider that saw a text before drops the repeat.
std::string DefaultRunId(const std::string& campaign,
                         const std::vector<std::string>& contacts) {
  uint64_t hash = 0xcbf29ce484222325;
  auto mix = [&hash](absl::string_view bytes) {
    for (unsigned char c : bytes) hash = (hash ^ c) * 0x100000001b3;
    hash = (hash ^ 0xff) * 0x100000001b3;  // ends each part
  };
  mix(campaign);
  for (const std::string& path : contacts) mix(path);
  return absl::StrFormat("h%016x", hash);
}

// The engine `run` and `resume` open, and the clock it runs on.
struct EngineSetup {
  std::unique_ptr<VirtualClock> virtual_clock;
  EngineOptions options;
  absl::Time deadline = absl::InfiniteFuture();
};

absl::StatusOr<EngineSetup> MakeEngineSetup(const RunFlags& flags) {
  EngineSetup setup;
  if (flags.clock == "virtual") {
    absl::Time start = absl::Now();
    if (!flags.start.empty()) {
      absl::StatusOr<absl::Time> t = ParseTimeFlag("--start", flags.start);
      if (!t.ok()) return t.status();
      start = *t;
    }
    setup.virtual_clock = std::make_unique<VirtualClock>(start);
    setup.options.clock = setup.virtual_clock.get();
  } else if (!flags.start.empty()) {
    return absl::InvalidArgumentError("--start needs --clock virtual");
  }
  if (!flags.deadline.empty()) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag("--deadline", flags.deadline);
    if (!t.ok()) return t.status();
    setup.deadline = *t;
  }
  setup.options.state_dir = flags.state;
  setup.options.synchronous_full = flags.synchronous == "full";
  setup.options.providers_file = flags.providers;
  setup.options.workers = flags.workers;
  setup.options.zone_data_path = flags.tz_data;
  return setup;
}

// Empties `path` (when set): the engine appends to the outbox and the
// outcomes file, and a new broadcast starts them afresh, as before.
absl::Status Truncate(const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  std::ofstream out(path, std::ios::trunc);
  if (!out) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot create: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// Set by SIGINT and SIGTERM; the main loop stops the broadcast.
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

// The progress line on a terminal, from what the engine says of the run.
class ProgressLine {
 public:
  void Show(const BroadcastProgress& p) {
    // Texts answered SENT per second since the last line.
    const double at =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began_)
            .count();
    if (p.sent < last_sent_) last_sent_ = 0;  // a new run of the broadcast
    if (at > last_at_) rate_ = (p.sent - last_sent_) / (at - last_at_);
    last_sent_ = p.sent;
    last_at_ = at;
    std::string line =
        absl::StrFormat("herald: %d rows, %d sent (%.0f/s), %d in flight",
                        p.rows, p.sent, rate_, p.in_flight);
    if (p.queued > 0) absl::StrAppend(&line, ", ", p.queued, " queued");
    absl::StrAppend(&line, ", ", p.waiting, " waiting, ", p.callbacks,
                    " to retry");
    if (p.idle_until != absl::InfinitePast()) {
      absl::StrAppend(&line, ", idle until ", Utc(p.idle_until));
    } else if (!p.first_pass && rate_ > 0) {
      absl::StrAppend(
          &line, ", ETA ",
          absl::FormatDuration(absl::Seconds(std::ceil(
              (p.in_flight + p.queued + p.callbacks + p.waiting) / rate_))));
    }
    for (const auto& [zone, rows] : p.deferred_by_zone) {
      absl::StrAppend(&line, "; ", rows, " deferred in ", zone);
    }
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    shown_ = true;
  }

  void Clear() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  std::chrono::steady_clock::time_point began_ =
      std::chrono::steady_clock::now();
  uint64_t last_sent_ = 0;
  double last_at_ = 0;
  double rate_ = 0;
  bool shown_ = false;
};

// Prints the run's summary from its report.
void PrintSummary(const BroadcastInfo& info, const RunReport& report,
                  const std::string& outbox) {
  // A resumed run's rate is over the rows it had left.
  const uint64_t settled = report.rows_settled_earlier;
  std::cout << absl::StrFormat(
      "herald: broadcast \"%s\" %s in %.2f s (%.0f rows/s%s)\n", info.name,
      report.status.ok() ? "completed" : "STOPPED", report.elapsed_seconds,
      report.RowsPerSecond(),
      settled == 0 ? ""
                   : absl::StrCat(" over the rows left; ", settled,
                                  " settled by an earlier run"));
  std::cout << "  " << Counts(report.totals) << "\n";
  if (report.passes.size() > 1) {
    std::cout << "  " << report.passes.size()
              << " passes over the contacts, clock " << Utc(report.started_at)
              << " to " << Utc(report.ended_at) << "\n";
  }
  if (report.batches.size() > 1) {
    for (const BatchReport& batch : report.batches) {
      std::cout << "  batch " << batch.id << " " << batch.path << ": "
                << Counts(batch.counts) << "\n";
    }
  }
  constexpr size_t kShown = 5;
  for (size_t i = 0; i < report.invalid_samples.size(); ++i) {
    if (i == kShown) {
      std::cout << "  ... (all of them in --report or --outcomes)\n";
      break;
    }
    const RowIssue& issue = report.invalid_samples[i];
    std::cout << "  invalid: " << issue.path << ":" << issue.line << ": "
              << issue.reason << "\n";
  }
  if (!info.provider.empty()) {
    std::cout << "  provider " << info.provider << "\n";
  } else if (!outbox.empty()) {
    std::cout << "  outbox: " << outbox << "\n";
  }
}

// With a webhook: waits up to 5 s for its endpoint to take the events left
// (the notifier keeps sending while the engine is open), then says how many
// it did not take; they stay in the store for the next run.
void DrainWebhook(Engine& engine, BroadcastId id, const RunFlags& flags) {
  if (flags.webhook.empty()) return;
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  absl::StatusOr<uint64_t> pending = engine.PendingEvents(id);
  while (pending.ok() && *pending > 0 && absl::Now() < deadline &&
         !interrupted) {
    absl::SleepFor(absl::Milliseconds(100));
    pending = engine.PendingEvents(id);
  }
  if (!pending.ok()) {
    std::cerr << "herald: webhook: " << pending.status().message() << "\n";
  } else if (*pending > 0) {
    std::cerr << "herald: webhook: " << *pending
              << " events not delivered (the endpoint did not take them); "
                 "they stay in the store, and the next `herald run` or "
                 "`herald resume --state "
              << flags.state << "` delivers them\n";
  }
}

// What the terminal is told while a run goes on, besides the progress line:
// each warning once, as soon as the run finds it, and, where no progress line
// shows it (--quiet, or not a terminal), once that the run waits for a
// window.
class RunNotices {
 public:
  explicit RunNotices(ProgressLine* progress) : progress_(progress) {}

  // Says what `p` brings that was not said yet. `waits`: whether to say
  // that the run is idle until a window opens.
  void Update(const BroadcastProgress& p, bool waits) {
    for (const std::string& warning : p.warnings) Warn(warning);
    if (waits && !said_idle_ && p.idle_until != absl::InfinitePast()) {
      said_idle_ = true;
      std::string where;
      if (!p.deferred_by_zone.empty()) {
        where = absl::StrCat(", most in ", p.deferred_by_zone.front().first);
      }
      Say(absl::StrCat("waiting for a send window until ", Utc(p.idle_until),
                       " (", Plural(p.waiting, "row"), " waiting", where, ")"));
    }
  }

  // Says `warning` unless it was said.
  void Warn(const std::string& warning) {
    if (warned_.insert(warning).second) Say("warning: " + warning);
  }

  void Say(absl::string_view line) {
    progress_->Clear();
    std::cerr << "herald: " << line << "\n";
  }

 private:
  ProgressLine* progress_;
  std::set<std::string> warned_;
  bool said_idle_ = false;
};

// Tells, when a stop has to wait for the provider, what for and how long.
void SayWhatStopWaitsFor(const BroadcastProgress& p, const BroadcastInfo& info,
                         RunNotices* notices) {
  if (p.in_flight == 0 && p.queued == 0) return;
  std::string line = "stopping: ";
  if (p.in_flight > 0) {
    absl::StrAppend(
        &line, "waiting for provider ", info.provider, " to answer ",
        Plural(p.in_flight, "text"), " in flight (at most ",
        absl::FormatDuration(p.answer_timeout), ", its timeoutMs); ");
  }
  if (p.queued > 0) {
    absl::StrAppend(&line, "giving back ", Plural(p.queued, "queued text"),
                    " unsent; ");
  }
  absl::StrAppend(&line,
                  "a second Ctrl-C quits at once, and a resume sends the "
                  "unanswered texts again under the same keys");
  notices->Say(line);
}

// Follows broadcast `id` until it is no longer running, then writes the
// report and prints the summary. `outbox`: the outbox file to name in the
// summary, when known.
int Follow(Engine& engine, BroadcastId id, const RunFlags& flags,
           const std::string& outbox) {
  const bool show_progress = !flags.quiet && isatty(STDERR_FILENO);
  ProgressLine progress;
  RunNotices notices(&progress);
  absl::Time last_polled = absl::InfinitePast();
  bool stopped_by_signal = false;
  for (;;) {
    if (interrupted) {
      absl::StatusOr<BroadcastProgress> p = engine.GetProgress(id);
      absl::StatusOr<BroadcastInfo> live = engine.GetBroadcast(id);
      if (p.ok() && live.ok()) SayWhatStopWaitsFor(*p, *live, &notices);
      // Stop() returns once the texts with the provider are answered and
      // recorded.
      if (absl::Status s = engine.Stop(id); !s.ok()) {
        // It may have finished before the signal came: then it completed.
        absl::StatusOr<BroadcastInfo> info = engine.GetBroadcast(id);
        if (info.ok() && info->status == BroadcastStatus::kFinished) break;
        progress.Clear();
        std::cerr << "herald: " << s.message() << "\n";
        return kExitStopped;
      }
      stopped_by_signal = true;
      break;
    }
    // Short waits: a signal is seen within 20 ms, and the outbox writes
    // some 20,000 texts in that time.
    absl::StatusOr<BroadcastStatus> status =
        engine.Wait(id, absl::Milliseconds(20));
    if (!status.ok()) {
      progress.Clear();
      std::cerr << "herald: " << status.status().message() << "\n";
      return kExitStopped;
    }
    if (!IsLive(*status)) break;
    if (absl::Now() - last_polled >= absl::Milliseconds(500)) {
      last_polled = absl::Now();
      absl::StatusOr<BroadcastProgress> p = engine.GetProgress(id);
      if (p.ok()) {
        notices.Update(*p, /*waits=*/!show_progress);
        if (show_progress) progress.Show(*p);
      }
    }
  }
  progress.Clear();

  absl::StatusOr<BroadcastInfo> info = engine.GetBroadcast(id);
  if (!info.ok()) return Fail(info.status());
  absl::StatusOr<std::optional<RunReport>> report = engine.LastRunReport(id);
  if (!report.ok()) return Fail(report.status());
  if (report->has_value()) {
    for (const std::string& warning : (*report)->warnings) {
      notices.Warn(warning);
    }
    const DncLoadStats& dnc = (*report)->dnc;
    if (dnc.rejected > 0 && !dnc.rejected_samples.empty()) {
      std::cerr << "herald: warning: " << dnc.rejected
                << " DNC line(s) could not be read, e.g. "
                << dnc.rejected_samples.front() << "\n";
    }
    if (!flags.report.empty()) {
      absl::StatusOr<std::string> text = engine.LastRunReportJson(id);
      if (!text.ok()) return Fail(text.status());
      std::ofstream out(flags.report, std::ios::trunc);
      out << *text;
      out.close();
      if (!out) {
        return Fail(absl::InvalidArgumentError(absl::StrCat(
            flags.report, ": cannot write: ", std::strerror(errno))));
      }
    }
    if (!flags.quiet) PrintSummary(*info, **report, outbox);
  }
  DrainWebhook(engine, id, flags);

  if (stopped_by_signal && info->status != BroadcastStatus::kFinished) {
    std::cerr << "herald: run stopped: interrupted by a signal; the answers "
                 "in flight are recorded"
              << (flags.state.empty()
                      ? ""
                      : absl::StrCat("; `herald resume --state ", flags.state,
                                     "` carries on"))
              << "\n";
    return kExitStopped;
  }
  if (info->status == BroadcastStatus::kFinished) return kExitCompleted;
  if (info->inputs_refused)
    return Fail(absl::InvalidArgumentError(info->error));
  std::cerr << "herald: run stopped: "
            << (info->error.empty()
                    ? absl::StrCat("broadcast ", id, " is ",
                                   BroadcastStatusName(info->status))
                    : info->error)
            << "\n";
  return kExitStopped;
}

// The campaign file's errors name the file: the engine names the
// definition "broadcast".
absl::Status NameCampaignFile(const absl::Status& status,
                              const std::string& campaign) {
  absl::string_view message = status.message();
  if (!absl::ConsumePrefix(&message, "broadcast: ")) return status;
  return absl::Status(status.code(), absl::StrCat(campaign, ": ", message));
}

// A new broadcast from the command: created, its batches added, started.
absl::StatusOr<BroadcastId> CreateFromFlags(Engine& engine,
                                            const RunFlags& flags,
                                            const std::string& definition,
                                            const EngineSetup& setup) {
  BroadcastOptions options;
  options.provider = flags.provider;
  if (flags.provider.empty()) options.outbox_path = flags.outbox;
  options.dnc_paths = flags.dnc;
  options.dnc_skip_unreadable = flags.dnc_skip_unreadable;
  options.phone_column = flags.phone_column;
  options.deadline = setup.deadline;
  options.run_id = flags.run_id;
  options.outcomes_path = flags.outcomes;
  options.webhook_file = flags.webhook;
  if (!flags.state.empty()) {
    // Kept in the store: a resume may start from another directory.
    for (std::string* path : {&options.outbox_path, &options.outcomes_path,
                              &options.webhook_file}) {
      if (!path->empty()) *path = std::filesystem::absolute(*path).string();
    }
    for (std::string& path : options.dnc_paths) {
      path = std::filesystem::absolute(path).string();
    }
  }
  for (const std::string& path : {options.outbox_path, options.outcomes_path}) {
    if (absl::Status s = Truncate(path); !s.ok()) return s;
  }
  absl::StatusOr<BroadcastId> id = engine.CreateBroadcast(definition, options);
  if (!id.ok()) return NameCampaignFile(id.status(), flags.campaign);
  for (const std::string& path : flags.contacts) {
    absl::StatusOr<BatchId> batch =
        engine.AddBatch(*id, BatchSource::File(path), {});
    if (!batch.ok()) return batch.status();
    absl::StatusOr<BroadcastInfo> info = engine.GetBroadcast(*id);
    if (!info.ok()) return info.status();
    const BatchInfo& added = info->batches[*batch - 1];
    if (added.status == BatchStatus::kErrors) {
      return absl::InvalidArgumentError(added.error);
    }
  }
  if (absl::Status s = engine.Start(*id); !s.ok()) return s;
  return *id;
}

// Whether `info`'s batches are the files `contacts` (canonical paths), in
// that order.
bool SameContacts(const BroadcastInfo& info,
                  const std::vector<std::string>& contacts) {
  if (info.batches.size() != contacts.size()) return false;
  for (size_t i = 0; i < contacts.size(); ++i) {
    std::error_code error;
    const std::filesystem::path path =
        std::filesystem::weakly_canonical(info.batches[i].path, error);
    if (error || path.string() != contacts[i]) return false;
  }
  return true;
}

// Why herald will not start a second broadcast of the same contacts, and
// what the user can do instead.
std::string ChangedCampaignMessage(const BroadcastInfo& other,
                                   const std::string& state) {
  uint64_t rows = 0, remaining = 0;
  for (const BatchInfo& batch : other.batches) {
    rows += batch.size;
    remaining += batch.remaining;
  }
  return absl::StrCat(
      state, " holds broadcast ", other.id, " \"", other.name, "\" (",
      BroadcastStatusName(other.status), ", ", rows - remaining, " of ", rows,
      " rows done) for these contacts, begun with another campaign or run "
      "id (",
      other.run_id,
      "). Starting again would text its recipients a second time. Add "
      "--continue-broadcast to send its rows not yet done with this "
      "campaign, under its run id and keys, or --new-broadcast to start "
      "another broadcast beside it, which texts everyone again");
}

}  // namespace

int Run(RunFlags flags) {
  if (flags.provider.empty() && !flags.providers.empty()) {
    return Fail(absl::InvalidArgumentError(
        "--providers needs --provider NAME to choose one"));
  }
  if (!flags.provider.empty() && flags.providers.empty()) {
    return Fail(
        absl::InvalidArgumentError("--provider needs --providers FILE"));
  }
  if (!flags.webhook.empty() && flags.state.empty()) {
    return Fail(absl::InvalidArgumentError(
        "--webhook needs --state DIR: events wait in the store until the "
        "endpoint takes them"));
  }
  if (flags.continue_broadcast && flags.new_broadcast) {
    return Fail(absl::InvalidArgumentError(
        "--continue-broadcast and --new-broadcast exclude each other"));
  }
  absl::StatusOr<std::string> definition = ReadFile(flags.campaign);
  if (!definition.ok()) return Fail(definition.status());
  if (absl::Status s = ResolveContacts(&flags.contacts); !s.ok()) {
    return Fail(s);
  }
  if (flags.run_id.empty()) {
    flags.run_id = DefaultRunId(*definition, flags.contacts);
  }
  StoredRun run;
  run.flags = flags;
  for (const std::string& path : flags.contacts) {
    absl::StatusOr<ContactsVersion> version = StatContacts(path);
    if (!version.ok()) return Fail(version.status());
    run.contacts.push_back(*version);
  }
  if (!flags.state.empty()) {
    // Checked before the engine opens: it carries on with a running
    // broadcast at once.
    absl::StatusOr<std::optional<StoredRun>> stored = LoadRun(flags.state);
    if (!stored.ok()) return Fail(stored.status());
    if (stored->has_value() && (*stored)->flags.run_id == flags.run_id) {
      if (absl::Status s = CheckContactsUnchanged(**stored); !s.ok()) {
        return Fail(s);
      }
    }
  }
  absl::StatusOr<EngineSetup> setup = MakeEngineSetup(flags);
  if (!setup.ok()) return Fail(setup.status());
  // A broadcast left running is started below, once it is known to be this
  // command's: with another campaign it must not send a text first.
  setup->options.resume_running = false;
  CatchStopSignals();
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(setup->options);
  if (!engine.ok()) return Fail(engine.status());

  // With --state, the same command again carries on the broadcast it began.
  std::optional<BroadcastInfo> found;
  std::optional<BroadcastInfo> other;  // same contacts, another run id
  if (!flags.state.empty()) {
    for (BroadcastInfo& info : (*engine)->ListBroadcasts()) {
      if (info.status == BroadcastStatus::kArchived) continue;
      if (info.run_id == flags.run_id) {
        found = std::move(info);
      } else if (info.status != BroadcastStatus::kFinished &&
                 info.status != BroadcastStatus::kSetup &&
                 SameContacts(info, flags.contacts)) {
        other = std::move(info);
      }
    }
  }
  if (!found.has_value() && other.has_value() && !flags.new_broadcast) {
    if (!flags.continue_broadcast) {
      return Fail(absl::FailedPreconditionError(
          ChangedCampaignMessage(*other, flags.state)));
    }
    // The new definition for the rows not yet final, under the old run id:
    // a recipient's key never changes within a broadcast.
    if (absl::Status s = (*engine)->UpdateDefinition(other->id, *definition);
        !s.ok()) {
      return Fail(NameCampaignFile(s, flags.campaign));
    }
    flags.run_id = other->run_id;
    run.flags.run_id = other->run_id;
    if (absl::Status s = SaveRun(run); !s.ok()) return Fail(s);
    found = std::move(other);
  }
  if (found.has_value() && found->status == BroadcastStatus::kSetup) {
    // Stopped while it was being set up: nothing was sent, so it is set up
    // again from the start.
    if (absl::Status s = (*engine)->Archive(found->id); !s.ok()) return Fail(s);
    found.reset();
  }
  BroadcastId id = 0;
  if (!found.has_value()) {
    if (!flags.state.empty()) {
      if (absl::Status s = SaveRun(run); !s.ok()) return Fail(s);
    }
    absl::StatusOr<BroadcastId> created =
        CreateFromFlags(**engine, flags, *definition, *setup);
    if (!created.ok()) return Fail(created.status());
    id = *created;
  } else {
    id = found->id;
    if (found->status == BroadcastStatus::kFinished) {
      if (!flags.quiet) {
        std::cout << "herald: broadcast \"" << found->name << "\" in "
                  << flags.state << " finished already; nothing to send\n";
      }
      DrainWebhook(**engine, id, flags);
      return kExitCompleted;
    }
    if (found->status == BroadcastStatus::kStopped) {
      if (absl::Status s = (*engine)->Start(id); !s.ok()) return Fail(s);
    }
  }
  return Follow(**engine, id, flags,
                flags.provider.empty() ? flags.outbox : "");
}

// `herald resume`: the last broadcast of the state directory that is
// running or stopped carries on, with the engine the last `herald run`
// there was given (its providers file, clock and zone data).
int Resume(const std::string& state_dir, bool quiet) {
  if (!std::filesystem::is_directory(state_dir)) {
    return Fail(absl::NotFoundError(
        absl::StrCat(state_dir,
                     ": no state directory (run `herald run "
                     "--state DIR` first)")));
  }
  absl::StatusOr<std::optional<StoredRun>> stored = LoadRun(state_dir);
  if (!stored.ok()) return Fail(stored.status());
  RunFlags flags;
  flags.outbox.clear();
  if (stored->has_value()) {
    if (absl::Status s = CheckContactsUnchanged(**stored); !s.ok()) {
      return Fail(s);
    }
    flags = (*stored)->flags;
  }
  flags.state = state_dir;
  flags.quiet = quiet;
  absl::StatusOr<EngineSetup> setup = MakeEngineSetup(flags);
  if (!setup.ok()) return Fail(setup.status());
  CatchStopSignals();
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(setup->options);
  if (!engine.ok()) return Fail(engine.status());
  std::optional<BroadcastInfo> last;
  for (BroadcastInfo& info : (*engine)->ListBroadcasts()) {
    if (IsLive(info.status) || info.status == BroadcastStatus::kStopped) {
      last = std::move(info);
    }
  }
  if (!last.has_value()) {
    return Fail(absl::NotFoundError(absl::StrCat(
        state_dir,
        ": nothing to resume: no broadcast there is running or stopped")));
  }
  if (last->status == BroadcastStatus::kStopped) {
    if (absl::Status s = (*engine)->Start(last->id); !s.ok()) return Fail(s);
  }
  const bool same = stored->has_value() && flags.run_id == last->run_id;
  return Follow(**engine, last->id, flags,
                same && flags.provider.empty() ? flags.outbox : "");
}

}  // namespace herald
