#include "engine/api/live_broadcast.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/enum_names.h"
#include "engine/base/json_text.h"
#include "engine/dispatch/provider_config.h"
#include "engine/webhook/webhook_config.h"
#include "nlohmann/json.hpp"

namespace herald {
namespace {

constexpr EnumNames<BroadcastStatus, 6> kBroadcastStatuses = {{
    {"SETUP", BroadcastStatus::kSetup},
    {"START_PENDING", BroadcastStatus::kStartPending},
    {"RUNNING", BroadcastStatus::kRunning},
    {"STOPPED", BroadcastStatus::kStopped},
    {"FINISHED", BroadcastStatus::kFinished},
    {"ARCHIVED", BroadcastStatus::kArchived},
}};

constexpr EnumNames<BatchStatus, 4> kBatchStatuses = {{
    {"NEW", BatchStatus::kNew},
    {"VALIDATING", BatchStatus::kValidating},
    {"ACTIVE", BatchStatus::kActive},
    {"ERRORS", BatchStatus::kErrors},
}};

nlohmann::json OptionsJson(const BroadcastOptions& options) {
  nlohmann::json json = {
      {"provider", options.provider},
      {"weight", options.weight},
      {"outboxPath", options.outbox_path},
      {"dncPaths", options.dnc_paths},
      {"dncSkipUnreadable", options.dnc_skip_unreadable},
      {"phoneColumn", options.phone_column},
      {"runId", options.run_id},
      {"outcomesPath", options.outcomes_path},
      {"webhookFile", options.webhook_file},
      {"keepOpen", options.keep_open},
  };
  json["deadline"] = options.deadline == absl::InfiniteFuture()
                         ? nlohmann::json(nullptr)
                         : nlohmann::json(absl::ToUnixMillis(options.deadline));
  return json;
}

absl::StatusOr<BroadcastOptions> OptionsFromJson(const std::string& text,
                                                 const std::string& path) {
  BroadcastOptions options;
  try {
    const nlohmann::json json = nlohmann::json::parse(text);
    options.provider = json.at("provider").get<std::string>();
    options.weight = json.at("weight").get<int>();
    options.outbox_path = json.at("outboxPath").get<std::string>();
    options.dnc_paths = json.at("dncPaths").get<std::vector<std::string>>();
    options.dnc_skip_unreadable = json.value("dncSkipUnreadable", false);
    options.phone_column = json.at("phoneColumn").get<std::string>();
    options.run_id = json.at("runId").get<std::string>();
    options.outcomes_path = json.at("outcomesPath").get<std::string>();
    options.webhook_file = json.at("webhookFile").get<std::string>();
    options.keep_open = json.value("keepOpen", false);
    if (!json.at("deadline").is_null()) {
      options.deadline =
          absl::FromUnixMillis(json.at("deadline").get<int64_t>());
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(
        absl::StrCat(path, ": broadcast.inputs: ", e.what()));
  }
  return options;
}

// With b.mu held.
void Announce(LiveBroadcast* b, EventBus& events, std::string detail) {
  b->changed.notify_all();
  EngineEvent event;
  event.kind = EngineEvent::Kind::kBroadcastStatus;
  event.broadcast = b->id;
  event.broadcast_status = b->status;
  event.detail = std::move(detail);
  events.Publish(std::move(event));
}

}  // namespace

absl::string_view BroadcastStatusName(BroadcastStatus status) {
  return NameOf(kBroadcastStatuses, status, "SETUP");
}

absl::string_view BatchStatusName(BatchStatus status) {
  return NameOf(kBatchStatuses, status, "NEW");
}

bool IsLive(BroadcastStatus status) {
  return status == BroadcastStatus::kRunning ||
         status == BroadcastStatus::kStartPending;
}

StoredBroadcast StoredOf(const LiveBroadcast& b) {
  StoredBroadcast stored;
  stored.run_id = b.options.run_id;
  stored.name = b.broadcast.name;
  stored.from_number = b.broadcast.from_number;
  stored.definition = b.definition;
  stored.inputs = DumpJson(OptionsJson(b.options));
  stored.status = std::string(BroadcastStatusName(b.status));
  stored.created = b.created;
  return stored;
}

std::vector<StoredBatch> StoredBatchesOf(const LiveBroadcast& b) {
  std::vector<StoredBatch> batches;
  for (const LiveBroadcast::Batch& batch : b.batches) {
    StoredBatch& out = batches.emplace_back();
    out.id = batch.info.id;
    out.path = batch.info.path;
    out.version = batch.version;
    if (batch.info.status == BatchStatus::kActive) out.size = batch.info.size;
    out.name = batch.info.name;
    out.status = std::string(BatchStatusName(batch.info.status));
    out.enabled = batch.info.enabled;
    out.scrub_duplicates = batch.info.scrub_duplicates;
    out.error = batch.info.error;
    out.created = batch.info.created;
  }
  return batches;
}

absl::StatusOr<bool> LoadRecord(LiveBroadcast* b, bool* interrupted) {
  *interrupted = false;
  absl::StatusOr<std::optional<StoredBroadcast>> stored =
      b->store->ReadBroadcast();
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return false;
  const StoredBroadcast& sb = **stored;
  const std::string where = StorePath(b->dir);
  absl::StatusOr<Broadcast> broadcast = ParseBroadcast(sb.definition, where);
  if (!broadcast.ok()) return broadcast.status();
  absl::StatusOr<BroadcastOptions> options = OptionsFromJson(sb.inputs, where);
  if (!options.ok()) return options.status();
  std::optional<BroadcastStatus> status =
      ValueNamed(kBroadcastStatuses, sb.status);
  if (!status.has_value()) {
    return absl::DataLossError(
        absl::StrCat(where, ": broadcast.status: unknown \"", sb.status, "\""));
  }
  b->definition = sb.definition;
  b->broadcast = *std::move(broadcast);
  b->options = *std::move(options);
  b->options.run_id = sb.run_id;
  b->created = sb.created;
  b->status = *status;
  absl::StatusOr<std::vector<StoredBatch>> batches = b->store->ReadBatches();
  if (!batches.ok()) return batches.status();
  for (const StoredBatch& stored_batch : *batches) {
    LiveBroadcast::Batch& batch = b->batches.emplace_back();
    BatchInfo& info = batch.info;
    info.id = stored_batch.id;
    info.name = stored_batch.name;
    info.path = stored_batch.path;
    info.status = ValueNamed(kBatchStatuses, stored_batch.status)
                      .value_or(BatchStatus::kErrors);
    if (info.status == BatchStatus::kNew ||
        info.status == BatchStatus::kValidating) {
      info.status = BatchStatus::kErrors;
      info.error =
          "the engine stopped before the batch was validated; add it again";
      *interrupted = true;
    } else {
      info.error = stored_batch.error;
    }
    info.enabled = stored_batch.enabled;
    info.size = stored_batch.size.value_or(0);
    info.scrub_duplicates = stored_batch.scrub_duplicates;
    info.created = stored_batch.created;
    batch.version = stored_batch.version;
  }
  return true;
}

absl::Status Persist(LiveBroadcast& b) {
  if (b.store == nullptr) return absl::OkStatus();
  std::lock_guard store_lock(b.store_mu);
  StoredBroadcast stored;
  std::vector<StoredBatch> batches;
  {
    std::lock_guard lock(b.mu);
    stored = StoredOf(b);
    batches = StoredBatchesOf(b);
  }
  if (absl::Status s = b.store->WriteBroadcast(stored, batches); !s.ok()) {
    return s;
  }
  ParkWriterWhenIdle(b);
  return absl::OkStatus();
}

void ParkWriterWhenIdle(LiveBroadcast& b) {
  if (b.store == nullptr) return;
  {
    std::lock_guard lock(b.mu);
    if (IsLive(b.status) || b.running) return;
  }
  // A failure here is the store's first, and every later write reports it.
  b.store->ParkWriter().IgnoreError();
  if (b.indexes != nullptr) b.indexes->Add(b.store.get());
}

BroadcastInfo InfoOf(LiveBroadcast& b) {
  BroadcastInfo info;
  info.id = b.id;
  info.name = b.broadcast.name;
  info.labels = b.broadcast.labels;
  info.definition = b.definition;
  info.from_number = b.broadcast.from_number;
  info.status = b.status;
  info.provider = b.options.provider;
  info.weight = b.options.weight;
  info.run_id = b.options.run_id;
  info.error = b.error;
  info.inputs_refused = b.inputs_refused;
  info.created = b.created;
  std::lock_guard lock(b.counts_mu);
  for (size_t i = 0; i < b.batches.size(); ++i) {
    BatchInfo& batch = info.batches.emplace_back(b.batches[i].info);
    const uint64_t settled = i < b.final_rows.size() ? b.final_rows[i] : 0;
    batch.remaining = batch.size > settled ? batch.size - settled : 0;
  }
  return info;
}

namespace {

absl::StatusOr<bool> Change(LiveBroadcast* b, EventBus& events,
                            std::initializer_list<BroadcastStatus> from,
                            BroadcastStatus to, std::string detail,
                            bool by_runner) {
  BroadcastStatus before;
  {
    std::lock_guard lock(b->mu);
    if (std::find(from.begin(), from.end(), b->status) == from.end() ||
        (by_runner && b->stop_requested)) {
      return false;
    }
    before = b->status;
    b->status = to;
  }
  absl::Status s = Persist(*b);
  std::lock_guard lock(b->mu);
  if (!s.ok()) {
    if (b->status == to) {
      b->status = before;
      b->changed.notify_all();
    }
    return s;
  }
  Announce(b, events, std::move(detail));
  return true;
}

}  // namespace

absl::StatusOr<bool> ChangeStatus(LiveBroadcast* b, EventBus& events,
                                  std::initializer_list<BroadcastStatus> from,
                                  BroadcastStatus to, std::string detail) {
  return Change(b, events, from, to, std::move(detail), /*by_runner=*/false);
}

absl::StatusOr<bool> ChangeStatusByRunner(LiveBroadcast* b, EventBus& events,
                                          BroadcastStatus from,
                                          BroadcastStatus to) {
  return Change(b, events, {from}, to, "", /*by_runner=*/true);
}

absl::Status StopLive(LiveBroadcast* b, EventBus& events, std::string error) {
  {
    std::lock_guard lock(b->mu);
    if (!IsLive(b->status)) return absl::OkStatus();
    if (!error.empty()) b->error = error;
    b->status = BroadcastStatus::kStopped;
  }
  absl::Status written = Persist(*b);
  std::lock_guard lock(b->mu);
  Announce(b, events, std::move(error));
  return written;
}

absl::Status OpenStore(const EngineOptions& engine, EventBus& events,
                       LiveBroadcast* b) {
  SqliteStoreOptions store_options;
  store_options.read_only = engine.read_only;
  store_options.synchronous_full = engine.synchronous_full;
  store_options.vfs = engine.sqlite_vfs;
  store_options.clock = engine.clock;
  store_options.record_events = !b->options.webhook_file.empty();
  store_options.feed_events = b->feed_wanted;
  store_options.on_feed_events = [b] { b->feed_pending = true; };
  store_options.on_idle_parked = [b] {
    if (b->indexes != nullptr) b->indexes->Add(b->store.get());
  };
  store_options.wants_finished = [&events, b] {
    return b->notifier != nullptr ||
           events.HasListeners(EngineEvent::Kind::kTextFinished);
  };
  store_options.on_finished = [&events, b](absl::Span<const TextRecord> texts) {
    if (b->notifier != nullptr) b->notifier->Notify();
    if (!events.HasListeners(EngineEvent::Kind::kTextFinished)) return;
    for (const TextRecord& text : texts) {
      EngineEvent event;
      event.kind = EngineEvent::Kind::kTextFinished;
      event.broadcast = b->id;
      event.batch = text.batch_id;
      event.text = text;
      events.Publish(std::move(event));
    }
  };
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(StorePath(b->dir), std::move(store_options));
  if (!store.ok()) return store.status();
  b->store = *std::move(store);
  return absl::OkStatus();
}

absl::Status StartNotifier(const EngineOptions& engine, LiveBroadcast* b) {
  if (b->options.webhook_file.empty() || engine.read_only) {
    return absl::OkStatus();
  }
  absl::StatusOr<WebhookConfig> config =
      LoadWebhookConfig(b->options.webhook_file, ProcessEnv);
  if (!config.ok()) return config.status();
  absl::StatusOr<std::unique_ptr<WebhookNotifier>> notifier =
      // On the real clock, not the engine's: the webhook's waits are off the
      // sending path, and on a VirtualClock each would jump the run's time
      // (the back-off, the batch fill) while texts are going out.
      WebhookNotifier::Start(StorePath(b->dir), *std::move(config),
                             RealClock());
  if (!notifier.ok()) return notifier.status();
  b->notifier = *std::move(notifier);
  return absl::OkStatus();
}

absl::Status CreateStore(const EngineOptions& engine, EventBus& events,
                         LiveBroadcast* b) {
  std::error_code error;
  if (std::filesystem::exists(b->dir, error) || error) {
    return absl::FailedPreconditionError(
        absl::StrCat(b->dir,
                     ": exists, but holds no broadcast this engine "
                     "opened; move it away"));
  }
  if (absl::Status s = MakeDirectories(b->dir); !s.ok()) return s;
  absl::Status s = OpenStore(engine, events, b);
  if (s.ok()) s = Persist(*b);
  if (s.ok()) s = StartNotifier(engine, b);
  if (!s.ok()) {
    // A store half made (a full disk) would be refused as damaged by every
    // later Open: the folder holds nothing yet, and goes.
    b->notifier.reset();
    b->store.reset();
    std::filesystem::remove_all(b->dir, error);
  }
  return s;
}

void PublishBatch(EventBus& events, const LiveBroadcast& b,
                  const BatchInfo& batch, std::string detail) {
  EngineEvent event;
  event.kind = EngineEvent::Kind::kBatchStatus;
  event.broadcast = b.id;
  event.batch = batch.id;
  event.batch_status = batch.status;
  event.detail = std::move(detail);
  events.Publish(std::move(event));
}

}  // namespace herald
