#include "engine/pipeline/run_plan.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/utf8.h"
#include "engine/ingest/contact_columns.h"
#include "engine/ingest/csv_reader.h"
#include "engine/ingest/dnc_list.h"
#include "engine/message/message_template.h"
#include "timezone/zone_table.h"

namespace herald {
namespace {

// Reads a file's header and maps it, so that every file is known good before
// the first text goes out.
absl::StatusOr<BatchPlan> PlanBatch(uint32_t id, const std::string& path,
                                    const Broadcast& broadcast,
                                    const RunOptions& options,
                                    std::vector<std::string>* warnings) {
  absl::StatusOr<std::unique_ptr<CsvChunkReader>> reader =
      CsvChunkReader::Open(path, options.csv);
  if (!reader.ok()) return reader.status();
  CsvChunk chunk;
  absl::StatusOr<bool> more = (*reader)->Next(&chunk);
  if (!more.ok()) return more.status();
  if (!*more) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": empty file, expected a header row"));
  }
  const CsvRecordRef& header = chunk.records.front();
  auto header_error = [&](absl::string_view problem) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ":", header.line, ": header: ", problem));
  };
  if (header.defect != CsvRecordDefect::kNone) {
    return header_error(DescribeDefect(chunk, header));
  }
  const absl::string_view text = chunk.RecordText(header);
  if (FindInvalidUtf8(text) != absl::string_view::npos) {
    return header_error("not valid UTF-8 text");
  }
  std::vector<absl::string_view> fields;
  std::string scratch;
  if (absl::Status s = SplitCsvRecord(text, &fields, &scratch); !s.ok()) {
    return header_error(s.message());
  }
  absl::StatusOr<ContactColumns> columns =
      MapContactColumns(std::vector<std::string>(fields.begin(), fields.end()),
                        options.phone_column);
  if (!columns.ok()) return header_error(columns.status().message());

  BatchPlan plan;
  plan.id = id;
  plan.path = path;
  plan.columns = *std::move(columns);
  if (!broadcast.message.empty()) {
    absl::StatusOr<MessageTemplate> message = MessageTemplate::Compile(
        broadcast.message, plan.columns.names, broadcast.template_options);
    if (!message.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("broadcast message: ", message.status().message()));
    }
    const std::vector<std::string> unknown = message->UnknownNames();
    if (!unknown.empty()) {
      warnings->push_back(absl::StrCat(
          path, ": the message uses ${", absl::StrJoin(unknown, "}, ${"),
          "} but the file has no such column; rows without their own message "
          "will be INVALID"));
    }
    plan.message = *std::move(message);
  } else if (plan.columns.message < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the broadcast has no message and ", path, " has no message column"));
  }
  return plan;
}

}  // namespace

absl::StatusOr<RunPlan> PlanRun(const Broadcast& broadcast,
                                const RunOptions& options, RunReport* report) {
  const ZoneTable& zones =
      options.zones != nullptr ? *options.zones : ZoneTable::BuiltIn();
  RunPlan plan;
  absl::StatusOr<RecipientGates> gates = RecipientGates::Build(
      broadcast, zones, report->started_at, options.deadline);
  if (!gates.ok()) return gates.status();
  plan.gates.emplace(*std::move(gates));
  if (!broadcast.schedules.empty() &&
      std::none_of(broadcast.schedules.begin(), broadcast.schedules.end(),
                   [](const Schedule& s) { return s.enabled; })) {
    report->warnings.push_back(
        "every schedule is off, so nothing will be sent: rows that could be "
        "sent end TIMEOUT");
  } else if (plan.gates->NeverOpensAnywhere()) {
    report->warnings.push_back(
        "no send window opens in any zone before the broadcast ends (its "
        "local time restriction, schedules, calling hours and deadline never "
        "overlap), so nothing will be sent: rows that could be sent end "
        "TIMEOUT");
  }

  for (const std::string& path : options.dnc_paths) {
    if (absl::Status s = LoadDncFile(path, plan.dnc.get(), &report->dnc,
                                     {options.dnc_skip_unreadable});
        !s.ok()) {
      return s;
    }
  }
  if (!options.batch_rules.empty() &&
      options.batch_rules.size() != options.contact_paths.size()) {
    return absl::InvalidArgumentError("one batch rule per contacts file");
  }
  for (size_t i = 0; i < options.contact_paths.size(); ++i) {
    if (!options.batch_rules.empty() &&
        options.batch_rules[i].mode == BatchRule::Mode::kSkip) {
      BatchPlan& unread = plan.batches.emplace_back();
      unread.id = static_cast<uint32_t>(i + 1);
      unread.path = options.contact_paths[i];
      plan.versions.emplace_back();
      continue;
    }
    absl::StatusOr<BatchPlan> batch =
        PlanBatch(static_cast<uint32_t>(i + 1), options.contact_paths[i],
                  broadcast, options, &report->warnings);
    if (!batch.ok()) return batch.status();
    absl::StatusOr<FileVersion> version =
        StatFileVersion(options.contact_paths[i]);
    if (!version.ok()) return version.status();
    plan.batches.push_back(*std::move(batch));
    plan.versions.push_back(*version);
  }
  return plan;
}

}  // namespace herald
