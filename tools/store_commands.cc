#include "tools/store_commands.h"

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "engine/ingest/phone_number.h"
#include "engine/store/partial_response.h"
#include "engine/store/store_reader.h"
#include "herald/engine.h"
#include "herald/texts.h"
#include "nlohmann/json.hpp"
#include "tools/flag_values.h"

namespace herald {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitUnreadable = 1;  // the store could not be read
constexpr int kExitBadFlag = 2;

// Characters of a message that `texts --format table` shows.
constexpr size_t kMessageWidth = 40;

int Fail(const absl::Status& status, int exit_code) {
  std::cerr << "herald: " << status.message() << "\n";
  return exit_code;
}

// Parses each of `names` (any case) with `parse`. The error lists the names
// of the enum's `count` values.
template <typename T, typename Parse, typename Name>
absl::StatusOr<std::vector<T>> ParseNamesFlag(
    absl::string_view flag, const std::vector<std::string>& names, Parse parse,
    Name name_of, int count) {
  std::vector<T> values;
  for (const std::string& name : names) {
    std::optional<T> value = parse(absl::AsciiStrToUpper(name));
    if (!value.has_value()) {
      std::vector<std::string> known;
      for (int i = 0; i < count; ++i) {
        known.push_back(std::string(name_of(static_cast<T>(i))));
      }
      return BadFlag(flag, absl::StrCat("one of ", absl::StrJoin(known, ", ")),
                     name);
    }
    values.push_back(*value);
  }
  return values;
}

absl::StatusOr<FieldSelector> ParseFieldsFlag(const std::string& fields) {
  absl::StatusOr<FieldSelector> selector = FieldSelector::Parse(fields);
  if (!selector.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--fields: ", selector.status().message()));
  }
  return selector;
}

absl::StatusOr<TextQuery> ParseTextQuery(const TextsFlags& flags) {
  TextQuery query;
  absl::StatusOr<std::vector<RecipientState>> states =
      ParseNamesFlag<RecipientState>(
          "--states", flags.states, ParseStateName, StateName,
          static_cast<int>(RecipientState::kSkipped) + 1);
  if (!states.ok()) return states.status();
  query.states = *std::move(states);
  absl::StatusOr<std::vector<TextResult>> results = ParseNamesFlag<TextResult>(
      "--results", flags.results, ParseResultName, ResultName,
      static_cast<int>(TextResult::kUndialed) + 1);
  if (!results.ok()) return results.status();
  query.results = *std::move(results);
  if (!flags.batch.empty()) {
    absl::StatusOr<uint64_t> batch =
        ParseCountFlag("--batch", flags.batch, 1, UINT32_MAX);
    if (!batch.ok()) return batch.status();
    query.batch = *batch;
  }
  if (!flags.to.empty()) {
    absl::StatusOr<PhoneNumber> to = ParseNanpNumber(flags.to);
    if (!to.ok()) {
      return BadFlag(
          "--to", absl::StrCat("a phone number (", to.status().message(), ")"),
          flags.to);
    }
    query.to = *to;
  }
  if (!flags.from.empty()) query.from = flags.from;
  if (!flags.since.empty()) {
    absl::StatusOr<absl::Time> since = ParseTimeFlag("--since", flags.since);
    if (!since.ok()) return since.status();
    query.since = *since;
  }
  if (!flags.until.empty()) {
    absl::StatusOr<absl::Time> until = ParseTimeFlag("--until", flags.until);
    if (!until.ok()) return until.status();
    query.until = *until;
  }
  if (!flags.offset.empty()) {
    absl::StatusOr<uint64_t> offset =
        ParseCountFlag("--offset", flags.offset, 0, UINT64_MAX);
    if (!offset.ok()) return offset.status();
    query.offset = *offset;
  }
  if (!flags.limit.empty()) {
    absl::StatusOr<uint64_t> limit =
        ParseCountFlag("--limit", flags.limit, 0, kMaxTextPageLimit);
    if (!limit.ok()) return limit.status();
    query.limit = static_cast<int>(*limit);
  }
  return query;
}

// Pretty JSON; bytes that are not UTF-8 print as U+FFFD rather than throw.
void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(2, ' ', false,
                          nlohmann::json::error_handler_t::replace)
            << "\n";
}

// `message` on one line and at most kMessageWidth characters, the last of
// them "…" when it was cut.
std::string TableMessage(absl::string_view message) {
  std::string line;
  size_t chars = 0;
  for (size_t i = 0; i < message.size(); ++i) {
    const unsigned char c = message[i];
    if ((c & 0xC0) != 0x80 && ++chars == kMessageWidth) {
      size_t rest = i + 1;
      while (rest < message.size() && (message[rest] & 0xC0) == 0x80) ++rest;
      if (rest < message.size()) {
        line.append("…");
        break;
      }
    }
    line.push_back(c < 0x20 || c == 0x7f ? ' ' : message[i]);
  }
  return line;
}

void PrintTable(const TextPage& page) {
  std::vector<std::vector<std::string>> rows = {
      {"id", "toNumber", "state", "result", "attempts", "modified",
       "message or reason"}};
  for (const TextRecord& text : page.items) {
    rows.push_back(
        {absl::StrCat(text.id), text.to == 0 ? "-" : E164Digits(text.to),
         std::string(StateName(text.state)),
         text.result.has_value() ? std::string(ResultName(*text.result)) : "-",
         absl::StrCat(text.attempts),
         absl::FormatTime("%Y-%m-%d %H:%M:%S", text.modified,
                          absl::UTCTimeZone()),
         // A row not sent has no message; why it was not is what it has.
         TableMessage(text.message.empty() ? text.reason : text.message)});
  }
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const std::vector<std::string>& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  for (const std::vector<std::string>& row : rows) {
    std::string line;
    for (size_t i = 0; i + 1 < row.size(); ++i) {
      absl::StrAppend(&line, row[i],
                      std::string(widths[i] - row[i].size() + 2, ' '));
    }
    absl::StrAppend(&line, row.back());
    std::cout << absl::StripTrailingAsciiWhitespace(line) << "\n";
  }
  std::cout << page.items.size() << " of " << page.total_count
            << " texts (offset " << page.offset << ")\n";
}

// The --broadcast flag: the id, or 0 for the last broadcast.
absl::StatusOr<BroadcastId> ParseBroadcastFlag(const std::string& broadcast) {
  if (broadcast.empty()) return 0;
  absl::StatusOr<uint64_t> id =
      ParseCountFlag("--broadcast", broadcast, 1, INT64_MAX);
  if (!id.ok()) return id.status();
  return static_cast<BroadcastId>(*id);
}

// The engine over `state_dir`, read only, and its broadcast `id` (0: the
// last one).
struct OpenBroadcast {
  std::unique_ptr<Engine> engine;
  BroadcastInfo info;
};

absl::StatusOr<OpenBroadcast> Open(const std::string& state_dir,
                                   BroadcastId id) {
  EngineOptions options;
  options.state_dir = state_dir;
  options.read_only = true;
  OpenBroadcast open;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (!engine.ok()) return engine.status();
  open.engine = *std::move(engine);
  if (id != 0) {
    absl::StatusOr<BroadcastInfo> info = open.engine->GetBroadcast(id);
    if (!info.ok()) {
      return absl::NotFoundError(
          absl::StrCat(state_dir, ": ", info.status().message()));
    }
    open.info = *std::move(info);
    return open;
  }
  std::vector<BroadcastInfo> all = open.engine->ListBroadcasts();
  if (all.empty()) {
    return absl::NotFoundError(
        absl::StrCat(state_dir,
                     ": no broadcast kept there (run `herald run --state "
                     "DIR` first)"));
  }
  open.info = std::move(all.back());
  return open;
}

int RunTexts(const TextsFlags& flags) {
  absl::StatusOr<TextQuery> query = ParseTextQuery(flags);
  if (!query.ok()) return Fail(query.status(), kExitBadFlag);
  if (flags.format != "json" && flags.format != "table") {
    return Fail(BadFlag("--format", "json or table", flags.format),
                kExitBadFlag);
  }
  absl::StatusOr<FieldSelector> fields = ParseFieldsFlag(flags.fields);
  if (!fields.ok()) return Fail(fields.status(), kExitBadFlag);
  if (flags.format == "table" && !flags.fields.empty()) {
    return Fail(
        absl::InvalidArgumentError("--fields: applies to --format json only"),
        kExitBadFlag);
  }
  absl::StatusOr<BroadcastId> id = ParseBroadcastFlag(flags.broadcast);
  if (!id.ok()) return Fail(id.status(), kExitBadFlag);

  absl::StatusOr<OpenBroadcast> open = Open(flags.state_dir, *id);
  if (!open.ok()) return Fail(open.status(), kExitUnreadable);
  absl::StatusOr<TextPage> page =
      open->engine->FindTexts(open->info.id, *query);
  if (!page.ok()) return Fail(page.status(), kExitUnreadable);
  if (flags.format == "table") {
    PrintTable(*page);
  } else {
    PrintJson(fields->Apply(TextPageJson(*page, open->info.run_id)));
  }
  return kExitOk;
}

int RunStats(const StatsFlags& flags) {
  absl::Time begin = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
  if (!flags.begin.empty()) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag("--begin", flags.begin);
    if (!t.ok()) return Fail(t.status(), kExitBadFlag);
    begin = *t;
  }
  if (!flags.end.empty()) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag("--end", flags.end);
    if (!t.ok()) return Fail(t.status(), kExitBadFlag);
    end = *t;
  }
  if (end <= begin) {
    return Fail(absl::InvalidArgumentError(
                    absl::StrCat("--end ", flags.end, " is not after --begin ",
                                 flags.begin, ": the range would be empty")),
                kExitBadFlag);
  }
  absl::StatusOr<FieldSelector> fields = ParseFieldsFlag(flags.fields);
  if (!fields.ok()) return Fail(fields.status(), kExitBadFlag);
  absl::StatusOr<BroadcastId> id = ParseBroadcastFlag(flags.broadcast);
  if (!id.ok()) return Fail(id.status(), kExitBadFlag);

  absl::StatusOr<OpenBroadcast> open = Open(flags.state_dir, *id);
  if (!open.ok()) return Fail(open.status(), kExitUnreadable);
  absl::StatusOr<StoreStats> stats =
      open->engine->Stats(open->info.id, begin, end);
  if (!stats.ok()) return Fail(stats.status(), kExitUnreadable);
  PrintJson(fields->Apply(StatsJson(*stats)));
  return kExitOk;
}

}  // namespace

StoreCommands::StoreCommands(CLI::App* app) {
  TextsFlags* texts_flags = &texts_flags_;
  CLI::App* texts = texts_ = app->add_subcommand(
      "texts", "List a broadcast's texts from its store, by id");
  texts
      ->add_option("--state", texts_flags->state_dir,
                   "The state directory (herald run --state)")
      ->type_name("DIR")
      ->required();
  texts
      ->add_option("--broadcast", texts_flags->broadcast,
                   "The broadcast's id in it (default: the last one)")
      ->type_name("ID");
  texts
      ->add_option("--states", texts_flags->states,
                   "Only texts in these states, e.g. FINISHED,DNC")
      ->type_name("S1,S2")
      ->delimiter(',');
  texts
      ->add_option("--results", texts_flags->results,
                   "Only texts with these final results, e.g. SENT")
      ->type_name("R1,R2")
      ->delimiter(',');
  texts
      ->add_option("--batch", texts_flags->batch,
                   "Only texts of this batch (1 = the first --contacts)")
      ->type_name("N");
  texts->add_option("--to", texts_flags->to, "Only texts to this number")
      ->type_name("NUMBER");
  texts
      ->add_option("--from", texts_flags->from,
                   "Only texts from this number (the broadcast's, or none)")
      ->type_name("NUMBER");
  texts
      ->add_option("--since", texts_flags->since,
                   "Only texts modified at or after this time (RFC 3339 or "
                   "unix milliseconds)")
      ->type_name("T");
  texts
      ->add_option("--until", texts_flags->until,
                   "Only texts modified before this time")
      ->type_name("T");
  texts
      ->add_option("--offset", texts_flags->offset,
                   "Matching texts to skip (default 0)")
      ->type_name("N");
  texts
      ->add_option("--limit", texts_flags->limit,
                   "Texts to show, at most 1000 (default 100)")
      ->type_name("N");
  texts
      ->add_option("--fields", texts_flags->fields,
                   "Partial response, e.g. 'items(id,state),totalCount'")
      ->type_name("SPEC");
  texts->add_option("--format", texts_flags->format, "json or table")
      ->type_name("FORMAT")
      ->capture_default_str();

  StatsFlags* stats_flags = &stats_flags_;
  CLI::App* stats = stats_ = app->add_subcommand(
      "stats", "Count a broadcast's texts by state, batch, zone and result");
  stats
      ->add_option("--state", stats_flags->state_dir,
                   "The state directory (herald run --state)")
      ->type_name("DIR")
      ->required();
  stats
      ->add_option("--broadcast", stats_flags->broadcast,
                   "The broadcast's id in it (default: the last one)")
      ->type_name("ID");
  stats
      ->add_option("--begin", stats_flags->begin,
                   "Count texts modified (and attempts finished) at or "
                   "after this time (RFC 3339 or unix milliseconds)")
      ->type_name("T");
  stats->add_option("--end", stats_flags->end, "... and before this time")
      ->type_name("T");
  stats
      ->add_option("--fields", stats_flags->fields,
                   "Partial response, e.g. 'sentCount,results'")
      ->type_name("SPEC");
}

std::optional<int> StoreCommands::Run() const {
  if (texts_->parsed()) return RunTexts(texts_flags_);
  if (stats_->parsed()) return RunStats(stats_flags_);
  return std::nullopt;
}

}  // namespace herald
