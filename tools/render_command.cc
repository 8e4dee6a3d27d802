// `herald render`: the texts a broadcast would send and what they cost.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/base/file_io.h"
#include "engine/ingest/phone_number.h"
#include "engine/message/sms_encoding.h"
#include "herald/preview.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/flag_values.h"
#include "tools/run_flags.h"

namespace herald {
namespace {

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
  absl::StatusOr<std::string> definition = ReadFile(flags.campaign);
  if (!definition.ok()) return Fail(definition.status());
  absl::StatusOr<uint64_t> limit =
      ParseCountFlag("--limit", flags.limit, 0, kMaxPreviewTexts);
  if (!limit.ok()) return Fail(limit.status());
  PreviewOptions options;
  options.contact_paths = flags.contacts;
  options.dnc_paths = flags.dnc;
  options.dnc_skip_unreadable = flags.dnc_skip_unreadable;
  options.phone_column = flags.phone_column;
  options.workers = flags.workers;
  options.texts_kept = *limit;
  absl::StatusOr<BroadcastPreview> preview =
      PreviewBroadcast(*definition, flags.campaign, options);
  if (!preview.ok()) return Fail(preview.status());
  const RunReport& report = preview->report;
  for (const std::string& warning : report.warnings) {
    std::cerr << "herald: warning: " << warning << "\n";
  }

  for (const PreviewText& text : preview->texts) {
    std::cout << absl::StrFormat(
        "batch %d row %d to %s: %s, %d segment%s, %d characters\n", text.batch,
        text.recipient_id, E164Digits(text.to), EncodingName(text.encoding),
        text.segments, text.segments == 1 ? "" : "s", Characters(text.message));
    if (text.encoding == SmsEncoding::kUcs2) {
      std::cout << "  UCS-2 because of: "
                << absl::StrJoin(text.ucs2_characters, " ") << "\n";
    }
    std::cout << "  " << text.message << "\n";
  }
  const RunCounts& c = report.totals;
  std::cout << absl::StrFormat(
      "total: %d rows; %d texts to send as %d segments (GSM-7: %d texts, %d "
      "segments; UCS-2: %d texts, %d segments); too big %d, invalid %d, "
      "duplicate %d, do-not-text %d\n",
      c.total, c.sent, c.segments, preview->gsm7.texts, preview->gsm7.segments,
      preview->ucs2.texts, preview->ucs2.segments, c.too_big, c.invalid, c.dup,
      c.dnc);
  PrintInvalidSamples(report, "run herald run --outcomes for all of them");
  return kExitCompleted;
}

}  // namespace herald
