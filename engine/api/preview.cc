#include "herald/preview.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/broadcast/broadcast.h"
#include "engine/ingest/phone_number.h"
#include "engine/message/sms_encoding.h"
#include "engine/pipeline/broadcast_run.h"
#include "engine/pipeline/preview_transport.h"
#include "engine/pipeline/recipient_gates.h"
#include "timezone/zone_table.h"

namespace herald {

absl::StatusOr<BroadcastPreview> PreviewBroadcast(
    absl::string_view definition, absl::string_view source,
    const PreviewOptions& options) {
  if (options.texts_kept > kMaxPreviewTexts) {
    return absl::InvalidArgumentError(absl::StrCat("texts kept: at most ",
                                                   kMaxPreviewTexts, ", got ",
                                                   options.texts_kept));
  }
  absl::StatusOr<Broadcast> broadcast = ParseBroadcast(definition, source);
  if (!broadcast.ok()) return broadcast.status();
  broadcast->local_time_restriction.enabled = false;
  broadcast->schedules.clear();
  broadcast->compliance_profile = ComplianceProfile::kNone;
  broadcast->unknown_zone_policy = {};

  RunOptions run;
  run.contact_paths = options.contact_paths;
  run.dnc_paths = options.dnc_paths;
  run.dnc_skip_unreadable = options.dnc_skip_unreadable;
  run.phone_column = options.phone_column;
  run.workers = options.workers;
  PreviewTransport transport(options.texts_kept);
  absl::StatusOr<RunReport> report =
      RunBroadcast(*broadcast, run, &transport, nullptr);
  if (!report.ok()) return report.status();

  BroadcastPreview preview;
  preview.report = *std::move(report);
  for (const PreviewTransport::Text& kept : transport.kept()) {
    PreviewText& text = preview.texts.emplace_back();
    text.batch = kept.batch;
    text.recipient_id = kept.recipient_id;
    text.to = kept.to;
    text.encoding = kept.encoding;
    text.segments = kept.segments;
    text.message = kept.message;
    if (kept.encoding == SmsEncoding::kUcs2) {
      text.ucs2_characters = Ucs2Characters(kept.message);
    }
  }
  const PreviewTransport::Tally& gsm7 = transport.tally(SmsEncoding::kGsm7);
  const PreviewTransport::Tally& ucs2 = transport.tally(SmsEncoding::kUcs2);
  preview.gsm7 = {gsm7.texts, gsm7.segments};
  preview.ucs2 = {ucs2.texts, ucs2.segments};
  return preview;
}

namespace {

class NumberLookupImpl : public NumberLookup {
 public:
  NumberLookupImpl(Broadcast broadcast, ZoneTable zones)
      : broadcast_(std::move(broadcast)), zones_(std::move(zones)) {}

  absl::StatusOr<NumberInfo> Find(absl::string_view text,
                                  std::optional<absl::Time> at) const override {
    absl::StatusOr<PhoneNumber> number = ParseNanpNumber(text);
    if (!number.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", text, "\": not a valid number: ", number.status().message()));
    }
    NumberInfo info;
    info.number = *number;
    const ZoneGroupId id = zones_.Lookup(*number);
    const ZoneGroup& group = zones_.group(id);
    info.zones = group.zone_names;
    info.region = group.region;
    info.country = group.country;
    if (!at.has_value()) return info;

    // The gates a run starting at `at` would build.
    absl::StatusOr<RecipientGates> gates =
        RecipientGates::Build(broadcast_, zones_, *at, absl::InfiniteFuture());
    if (!gates.ok()) return gates.status();
    if (!gates->Sends(id)) {
      info.sendable = NumberInfo::Sendable::kSkipped;
      return info;
    }
    info.deciding_zones = gates->Zones(id);
    info.next = gates->NextSendable(id, *at);
    info.sendable = info.next == *at ? NumberInfo::Sendable::kNow
                    : info.next == absl::InfiniteFuture()
                        ? NumberInfo::Sendable::kNever
                        : NumberInfo::Sendable::kLater;
    return info;
  }

 private:
  const Broadcast broadcast_;
  const ZoneTable zones_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<NumberLookup>> NumberLookup::Create(
    const LookupOptions& options) {
  absl::StatusOr<ZoneTable> zones =
      ZoneTable::BuiltInWithOverrides(options.zone_data_path);
  if (!zones.ok()) return zones.status();
  Broadcast broadcast;
  if (!options.definition.empty()) {
    absl::StatusOr<Broadcast> parsed =
        ParseBroadcast(options.definition, options.source);
    if (!parsed.ok()) return parsed.status();
    broadcast = *std::move(parsed);
  }
  return std::unique_ptr<NumberLookup>(
      new NumberLookupImpl(std::move(broadcast), *std::move(zones)));
}

}  // namespace herald
