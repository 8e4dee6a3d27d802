// `herald render`: the texts a broadcast would send and what they cost.
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

// The options `render` reads its inputs with.
RunOptions InputOptions(const RunFlags& flags) {
  RunOptions options;
  options.contact_paths = flags.contacts;
  options.dnc_paths = flags.dnc;
  options.dnc_skip_unreadable = flags.dnc_skip_unreadable;
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

// `herald render`: every row through the pipeline, nothing sent; shows the
// first texts as the handset will and what the whole file will cost.
}  // namespace

int Render(const RunFlags& flags) {
  absl::StatusOr<Broadcast> broadcast = LoadBroadcastFile(flags.campaign);
  if (!broadcast.ok()) return Fail(broadcast.status());
  // A preview shows every text whatever the time: its windows are not applied.
  broadcast->local_time_restriction.enabled = false;
  broadcast->schedules.clear();
  broadcast->compliance_profile = ComplianceProfile::kNone;
  broadcast->unknown_zone_policy = {};
  // Shown texts are held until the run ends.
  constexpr uint64_t kMaxShown = 100'000;
  absl::StatusOr<uint64_t> limit =
      ParseCountFlag("--limit", flags.limit, 0, kMaxShown);
  if (!limit.ok()) return Fail(limit.status());
  PreviewTransport preview(*limit);
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

}  // namespace herald
