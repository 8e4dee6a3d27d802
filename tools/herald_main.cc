// The herald command line. `herald run` sends a broadcast over contact CSVs.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/broadcast.h"
#include "engine/broadcast_run.h"
#include "engine/file_io.h"
#include "engine/outbox_transport.h"
#include "engine/outcome_log.h"
#include "engine/preview_transport.h"
#include "engine/run_report.h"
#include "engine/sms_encoding.h"
#include "scheduler/clock.h"

namespace herald {
namespace {

// Exit statuses.
constexpr int kExitCompleted = 0;
constexpr int kExitStopped = 1;  // the run began but did not finish
constexpr int kExitBadInput = 2;

struct RunFlags {
  std::string campaign;
  std::vector<std::string> contacts;
  std::vector<std::string> dnc;
  std::string outbox = "outbox.jsonl";
  std::string report;
  std::string outcomes;
  std::string phone_column;
  int workers = 0;
  bool quiet = false;
  size_t limit = 10;  // render: texts to show
};

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
                      ", errors ", c.errors, ", remaining ", c.remaining);
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

int Run(const RunFlags& flags) {
  absl::StatusOr<Broadcast> broadcast = LoadBroadcastFile(flags.campaign);
  if (!broadcast.ok()) return Fail(broadcast.status());

  absl::StatusOr<std::unique_ptr<OutboxTransport>> outbox =
      OutboxTransport::Create(flags.outbox, RealClock());
  if (!outbox.ok()) return Fail(outbox.status());
  std::unique_ptr<JsonlOutcomeLog> outcomes;
  if (!flags.outcomes.empty()) {
    absl::StatusOr<std::unique_ptr<JsonlOutcomeLog>> log =
        JsonlOutcomeLog::Create(flags.outcomes);
    if (!log.ok()) return Fail(log.status());
    outcomes = *std::move(log);
  }

  RunOptions options = InputOptions(flags);
  const bool show_progress = !flags.quiet && isatty(STDERR_FILENO);
  if (show_progress) {
    options.on_progress = [](const RunProgress& p) {
      std::fprintf(stderr, "\rherald: %llu rows, %llu sent, %.0f rows/s   ",
                   static_cast<unsigned long long>(p.rows),
                   static_cast<unsigned long long>(p.sent),
                   p.elapsed_seconds > 0 ? p.rows / p.elapsed_seconds : 0.0);
    };
  }

  absl::StatusOr<RunReport> report =
      RunBroadcast(*broadcast, options, outbox->get(), outcomes.get());
  if (show_progress) std::fprintf(stderr, "\r\033[K");
  if (!report.ok()) return Fail(report.status());

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
    if (report->batches.size() > 1) {
      for (const BatchReport& batch : report->batches) {
        std::cout << "  batch " << batch.id << " " << batch.path << ": "
                  << Counts(batch.counts) << "\n";
      }
    }
    PrintInvalidSamples(*report, "all of them in --report or --outcomes");
    std::cout << "  outbox: " << flags.outbox << "\n";
  }
  if (!report->status.ok()) {
    std::cerr << "herald: run stopped: " << report->status.message() << "\n";
    return kExitStopped;
  }
  return kExitCompleted;
}

// `herald render`: every row through the pipeline, nothing sent; shows the
// first texts as the handset will and what the whole file will cost.
int Render(const RunFlags& flags) {
  absl::StatusOr<Broadcast> broadcast = LoadBroadcastFile(flags.campaign);
  if (!broadcast.ok()) return Fail(broadcast.status());
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

  CLI::App* render = app.add_subcommand(
      "render", "Show the messages a broadcast would send and their cost");
  herald::AddInputFlags(render, &flags);
  render->add_option("--limit", flags.limit, "Texts to show")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : herald::kExitBadInput;
  }
  if (run->parsed()) return herald::Run(flags);
  if (render->parsed()) return herald::Render(flags);
  return herald::kExitBadInput;
}
