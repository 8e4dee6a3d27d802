#include "engine/api/broadcast_registry.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/api/broadcast_runner.h"
#include "engine/api/event_bus.h"
#include "engine/api/live_broadcast.h"
#include "engine/api/recipients_csv.h"
#include "engine/api/run_assembly.h"
#include "engine/base/file_io.h"
#include "engine/broadcast/broadcast.h"
#include "engine/dispatch/provider_config.h"
#include "engine/store/sqlite_store.h"
#include "engine/store/store_reader.h"
#include "engine/webhook/webhook_config.h"
#include "engine/webhook/webhook_notifier.h"
#include "timezone/zone_table.h"

namespace herald {

namespace {

// The run id goes into every idempotency key, header and outbox line as it
// is: letters, digits, '.', '_' and '-' only, 1 to 64 of them (or empty, for
// one made by the engine).
absl::Status CheckRunId(absl::string_view run_id) {
  const bool ok = run_id.size() <= 64 &&
                  std::all_of(run_id.begin(), run_id.end(), [](char c) {
                    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                           c == '.' || c == '_' || c == '-';
                  });
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "broadcast options: runId (--run-id): 1 to 64 letters, digits, '.', "
      "'_' or '-'");
}

}  // namespace

absl::Status BroadcastRegistry::Init() {
  clock_ = options_.clock != nullptr ? options_.clock : RealClock();
  absl::StatusOr<ZoneTable> zones =
      ZoneTable::BuiltInWithOverrides(options_.zone_data_path);
  if (!zones.ok()) return zones.status();
  zones_.emplace(*std::move(zones));
  std::vector<ProviderConfig> providers;
  if (!options_.providers_file.empty()) {
    absl::StatusOr<std::vector<ProviderConfig>> loaded =
        LoadProvidersFile(options_.providers_file, ProcessEnv);
    if (!loaded.ok()) return loaded.status();
    providers = *std::move(loaded);
  }
  if (options_.state_dir.empty()) {
    if (options_.read_only) {
      return absl::InvalidArgumentError("read_only needs a state_dir");
    }
    runs_.emplace(options_, clock_, &*zones_, std::move(providers), nullptr);
    runner_.emplace(&*runs_, &events_);
    return absl::OkStatus();
  }
  const std::string broadcasts_dir = options_.state_dir + "/broadcasts";
  if (!options_.read_only) {
    if (absl::Status s = MakeDirectories(broadcasts_dir); !s.ok()) return s;
    const std::string lock_path = options_.state_dir + "/LOCK";
    lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) return ErrnoStatus(errno, "cannot open", lock_path);
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(options_.state_dir,
                       ": another herald engine has this state directory "
                       "open; open it read_only to look at it"));
    }
  }
  account_.emplace(options_.state_dir + "/account.db", options_.read_only,
                   options_.sqlite_vfs);
  absl::StatusOr<std::unique_ptr<AccountDnc>> dnc =
      AccountDnc::Open(&*account_, clock_);
  if (!dnc.ok()) return dnc.status();
  dnc_ = *std::move(dnc);
  auto_replies_.emplace(&*account_);
  inbound_.emplace(&*account_, dnc_.get(), clock_);
  contact_lists_.emplace(&*account_, options_.state_dir + "/lists");
  webhooks_.emplace(&*account_);
  if (!options_.read_only) RefreshFeedWanted();
  runs_.emplace(options_, clock_, &*zones_, std::move(providers), dnc_.get());
  runner_.emplace(&*runs_, &events_);
  std::error_code error;
  std::vector<std::pair<BroadcastId, std::string>> found;
  for (const auto& entry :
       std::filesystem::directory_iterator(broadcasts_dir, error)) {
    BroadcastId id = 0;
    if (absl::SimpleAtoi(entry.path().filename().string(), &id) && id > 0 &&
        std::filesystem::exists(StorePath(entry.path().string()))) {
      found.emplace_back(id, entry.path().string());
    }
  }
  if (error && error != std::errc::no_such_file_or_directory) {
    return absl::InvalidArgumentError(
        absl::StrCat(broadcasts_dir, ": cannot list: ", error.message()));
  }
  std::sort(found.begin(), found.end());
  // Nothing else runs yet: the broadcasts are loaded and resumed without
  // their locks.
  for (const auto& [id, dir] : found) {
    if (absl::Status s = LoadBroadcast(id, dir); !s.ok()) return s;
    next_id_ = id + 1;
  }
  if (!options_.read_only) {
    for (auto& [id, b] : broadcasts_) {
      // Done broadcasts whose indexes a close stopped, or an older herald
      // never built.
      if (!IsLive(b->status)) ParkWriterWhenIdle(*b);
      if (!IsLive(b->status)) continue;
      if (options_.resume_running) {
        runner_->Start(b.get());
      } else if (absl::StatusOr<bool> s = ChangeStatus(
                     b.get(), events_, {b->status}, BroadcastStatus::kStopped);
                 !s.ok()) {
        return s.status();
      }
    }
  }
  return absl::OkStatus();
}

BroadcastRegistry::~BroadcastRegistry() {
  // No collection of feed events from here on: the stores go.
  std::lock_guard collect(collect_mu_);
  indexes_.Stop();
  if (runner_.has_value()) {
    std::vector<LiveBroadcast*> all;
    for (auto& [id, b] : broadcasts_) all.push_back(b.get());
    runner_->Close(all);
  }
  for (auto& [id, b] : broadcasts_) {
    // The notifier sends what the store wrote last, then the store goes
    // (its writer may call on the notifier until then).
    if (b->store != nullptr) b->store->Finish().IgnoreError();
    if (b->notifier != nullptr) {
      b->notifier->Finish(absl::Seconds(2)).IgnoreError();
    }
    b->store.reset();
  }
  // Listeners may call the engine: they are done before the broadcasts go.
  events_.Close();
  broadcasts_.clear();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

absl::Status BroadcastRegistry::Writable() const {
  if (options_.read_only) {
    return absl::FailedPreconditionError(
        "the engine was opened read_only: nothing can change");
  }
  return absl::OkStatus();
}

absl::StatusOr<LiveBroadcast*> BroadcastRegistry::FindToChange(BroadcastId id) {
  if (absl::Status s = Writable(); !s.ok()) return s;
  return Find(id);
}

absl::StatusOr<LiveBroadcast*> BroadcastRegistry::Find(BroadcastId id) {
  std::lock_guard lock(mu_);
  auto it = broadcasts_.find(id);
  if (it == broadcasts_.end()) {
    return absl::NotFoundError(absl::StrCat("no broadcast ", id));
  }
  return it->second.get();
}

absl::Status BroadcastRegistry::LoadBroadcast(BroadcastId id,
                                              const std::string& dir) {
  auto b = std::make_unique<LiveBroadcast>();
  b->id = id;
  b->dir = dir;
  AttachAccount(b.get());
  if (absl::Status s = OpenStore(options_, events_, b.get()); !s.ok()) return s;
  bool interrupted = false;
  absl::StatusOr<bool> recorded = LoadRecord(b.get(), &interrupted);
  if (!recorded.ok()) return recorded.status();
  if (!*recorded) return absl::OkStatus();
  if (!b->options.webhook_file.empty()) {
    // The store writes events only when opened for a webhook, which its
    // broadcast row says: open it again, now knowing.
    b->store.reset();
    if (absl::Status s = OpenStore(options_, events_, b.get()); !s.ok())
      return s;
  }
  absl::StatusOr<ResumePoint> point =
      b->store->ReadResumePoint(b->batches.size());
  if (!point.ok()) return point.status();
  b->final_rows.resize(b->batches.size());
  for (size_t i = 0; i < b->batches.size(); ++i) {
    const std::vector<bool>& rows = point->batches[i].final_rows;
    b->final_rows[i] = std::count(rows.begin(), rows.end(), true);
  }
  if (interrupted && !options_.read_only) {
    if (absl::Status s = Persist(*b); !s.ok()) return s;
  }
  if (absl::Status s = StartNotifier(options_, b.get()); !s.ok()) return s;
  // Only now: the builder must not hold a store that goes with an error.
  if (!options_.read_only) b->indexes = &indexes_;
  broadcasts_[id] = std::move(b);
  return absl::OkStatus();
}

absl::StatusOr<BroadcastId> BroadcastRegistry::CreateBroadcast(
    absl::string_view definition, const BroadcastOptions& options) {
  if (absl::Status s = Writable(); !s.ok()) return s;
  absl::StatusOr<Broadcast> broadcast = ParseBroadcast(definition, "broadcast");
  if (!broadcast.ok()) return broadcast.status();
  if (options.weight < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "broadcast options: weight: must be at least 1, got ", options.weight));
  }
  if (absl::Status s = CheckRunId(options.run_id); !s.ok()) return s;
  if (!options.provider.empty() &&
      runs_->FindProvider(options.provider) == nullptr) {
    std::vector<std::string> names;
    for (const ProviderConfig& p : runs_->providers()) names.push_back(p.name);
    return absl::InvalidArgumentError(absl::StrCat(
        "broadcast options: provider: no provider \"", options.provider,
        "\" in the providers file (it has: ", absl::StrJoin(names, ", "), ")"));
  }
  if (!options.webhook_file.empty()) {
    if (options_.state_dir.empty()) {
      return absl::InvalidArgumentError(
          "broadcast options: webhookFile: needs a state directory");
    }
    absl::StatusOr<WebhookConfig> config =
        LoadWebhookConfig(options.webhook_file, ProcessEnv);
    if (!config.ok()) return config.status();
  }
  if (options.provider.empty() && options.outbox_path.empty() &&
      options_.state_dir.empty()) {
    return absl::InvalidArgumentError(
        "broadcast options: outboxPath: needed without a provider and a "
        "state directory");
  }

  auto b = std::make_unique<LiveBroadcast>();
  {
    // The id is taken now and the store made without the lock; an id whose
    // store could not be made is not used again.
    std::lock_guard lock(mu_);
    b->id = next_id_++;
  }
  b->definition = std::string(definition);
  b->broadcast = *std::move(broadcast);
  b->options = options;
  b->created = clock_->Now();
  if (b->options.run_id.empty()) {
    b->options.run_id =
        absl::StrCat("b", b->id, "-", absl::ToUnixMillis(b->created));
  }
  if (!options_.state_dir.empty()) {
    b->dir = absl::StrCat(options_.state_dir, "/broadcasts/", b->id);
    AttachAccount(b.get());
    if (absl::Status s = CreateStore(options_, events_, b.get()); !s.ok())
      return s;
  }
  const BroadcastId id = b->id;
  // Only once it is kept: the builder must not hold a store that goes.
  b->indexes = &indexes_;
  {
    std::lock_guard lock(mu_);
    broadcasts_[id] = std::move(b);
  }
  EngineEvent event;
  event.kind = EngineEvent::Kind::kBroadcastStatus;
  event.broadcast = id;
  event.broadcast_status = BroadcastStatus::kSetup;
  events_.Publish(std::move(event));
  return id;
}

absl::StatusOr<BatchId> BroadcastRegistry::AddBatch(
    BroadcastId id, const BatchSource& source, const BatchOptions& options) {
  absl::StatusOr<LiveBroadcast*> found = FindToChange(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  // With b->mu held.
  auto refused = [&]() -> absl::Status {
    if (b->status == BroadcastStatus::kFinished ||
        b->status == BroadcastStatus::kArchived) {
      return absl::FailedPreconditionError(
          absl::StrCat("broadcast ", id, " is ", BroadcastStatusName(b->status),
                       ": no batch can be added to it"));
    }
    if (b->store == nullptr && b->status != BroadcastStatus::kSetup) {
      return absl::FailedPreconditionError(absl::StrCat(
          "broadcast ", id,
          " has no state directory: batches are added before it starts"));
    }
    if (b->batches.size() >= kMaxBatchesPerBroadcast) {
      return absl::FailedPreconditionError(
          absl::StrCat("broadcast ", id, " has ", kMaxBatchesPerBroadcast,
                       " batches, as many as a broadcast may have"));
    }
    return absl::OkStatus();
  };
  std::lock_guard add_lock(b->add_mu);
  BatchInfo batch;
  {
    std::lock_guard lock(b->mu);
    if (absl::Status s = refused(); !s.ok()) return s;
    batch.id = static_cast<BatchId>(b->batches.size() + 1);
  }
  batch.path = source.path();
  std::string list_name;
  if (source.contact_list() != 0) {
    absl::StatusOr<ContactLists*> lists = AccountContactLists();
    if (!lists.ok()) return lists.status();
    absl::StatusOr<ContactListInfo> list = (*lists)->Get(source.contact_list());
    if (!list.ok()) return list.status();
    list_name = list->name;
    if (b->dir.empty()) {
      return absl::InvalidArgumentError(
          "a contact list's batch needs a state directory to be kept in");
    }
    batch.path = absl::StrCat(b->dir, "/batch-", batch.id, ".csv");
    // A batch is added once: a link left by an add that failed goes.
    std::filesystem::remove(batch.path);
    if (absl::Status s = (*lists)->LinkFile(source.contact_list(), batch.path);
        !s.ok()) {
      return s;
    }
  } else if (batch.path.empty()) {
    if (b->dir.empty()) {
      return absl::InvalidArgumentError(
          "recipients in memory need a state directory to be kept in");
    }
    batch.path = absl::StrCat(b->dir, "/batch-", batch.id, ".csv");
    // A link left by an add that failed may share a contact list's file:
    // written through, it would change the list.
    std::filesystem::remove(batch.path);
    const std::string phone_column = b->options.phone_column.empty()
                                         ? "phoneNumber"
                                         : b->options.phone_column;
    if (absl::Status s =
            WriteRecipientsCsv(batch.path, phone_column, source.recipients());
        !s.ok()) {
      return s;
    }
  } else if (!b->dir.empty()) {
    batch.path = std::filesystem::absolute(batch.path).string();
  }
  absl::StatusOr<FileVersion> version = StatFileVersion(batch.path);
  if (!version.ok()) return version.status();
  batch.name = !options.name.empty() ? options.name
               : !list_name.empty()  ? list_name
               : source.path().empty()
                   ? absl::StrCat("batch ", batch.id)
                   : std::filesystem::path(source.path()).filename().string();
  batch.scrub_duplicates = options.scrub_duplicates;
  batch.created = clock_->Now();
  {
    std::lock_guard control(b->control_mu);
    {
      std::lock_guard lock(b->mu);
      if (absl::Status s = refused(); !s.ok()) return s;
      batch.status = BatchStatus::kNew;
      b->batches.push_back({batch, *version});
      std::lock_guard counts(b->counts_mu);
      b->final_rows.resize(b->batches.size());
    }
    if (absl::Status s = Persist(*b); !s.ok()) {
      std::lock_guard lock(b->mu);
      b->batches.pop_back();
      return s;
    }
    PublishBatch(events_, *b, batch);
    {
      std::lock_guard lock(b->mu);
      b->batches.back().info.status = batch.status = BatchStatus::kValidating;
    }
    if (absl::Status s = Persist(*b); !s.ok()) {
      // Not VALIDATING for ever: a run waiting for the batch would wait on.
      std::lock_guard lock(b->mu);
      BatchInfo& info = b->batches.back().info;
      info.status = BatchStatus::kErrors;
      info.error = std::string(s.message());
      BroadcastRunner::BatchesChanged(b);
      return s;
    }
    PublishBatch(events_, *b, batch);
  }
  // Validated against the definition as it is now: UpdateDefinition may
  // replace b's meanwhile.
  Broadcast definition;
  {
    std::lock_guard lock(b->mu);
    definition = b->broadcast;
  }
  runs_->Validate(definition, b->options, options, &batch);
  std::lock_guard control(b->control_mu);
  {
    std::lock_guard lock(b->mu);
    // Only what validation found: the batch may have been switched off
    // meanwhile.
    BatchInfo& info = b->batches[batch.id - 1].info;
    info.status = batch.status;
    info.size = batch.size;
    info.remaining = batch.remaining;
    info.error = batch.error;
    batch = info;
  }
  absl::Status written = Persist(*b);
  if (written.ok()) PublishBatch(events_, *b, batch, batch.error);
  {
    std::lock_guard lock(b->mu);
    // A running broadcast takes the batch (or stops waiting for it); a
    // START_PENDING one may run now.
    BroadcastRunner::BatchesChanged(b);
  }
  if (!written.ok()) return written;
  return batch.id;
}

absl::Status BroadcastRegistry::CloseWhenDone(BroadcastId id) {
  absl::StatusOr<LiveBroadcast*> found = FindToChange(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  std::lock_guard control(b->control_mu);
  {
    std::lock_guard lock(b->mu);
    if (!b->options.keep_open) return absl::OkStatus();
    b->options.keep_open = false;
  }
  if (absl::Status s = Persist(*b); !s.ok()) return s;
  // A runner waiting for more batches looks again, and finishes.
  std::lock_guard lock(b->mu);
  BroadcastRunner::BatchesChanged(b);
  return absl::OkStatus();
}

absl::Status BroadcastRegistry::SetBatchEnabled(BroadcastId id,
                                                BatchId batch_id,
                                                bool enabled) {
  absl::StatusOr<LiveBroadcast*> found = FindToChange(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  std::lock_guard control(b->control_mu);
  BatchInfo batch;
  {
    std::lock_guard lock(b->mu);
    if (batch_id < 1 || batch_id > b->batches.size()) {
      return absl::NotFoundError(
          absl::StrCat("broadcast ", id, " has no batch ", batch_id));
    }
    if (b->status == BroadcastStatus::kFinished ||
        b->status == BroadcastStatus::kArchived) {
      return absl::FailedPreconditionError(
          absl::StrCat("broadcast ", id, " is ", BroadcastStatusName(b->status),
                       ": its batches can no longer be switched on or off"));
    }
    BatchInfo& info = b->batches[batch_id - 1].info;
    if (enabled && info.status == BatchStatus::kErrors) {
      return absl::FailedPreconditionError(absl::StrCat(
          "batch ", batch_id, " of broadcast ", id, " is in ERRORS (",
          info.error, "): it cannot be enabled"));
    }
    if (info.enabled == enabled) return absl::OkStatus();
    if (b->store == nullptr && IsLive(b->status)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "broadcast ", id,
          " has no state directory: its batches are switched before it "
          "starts"));
    }
    info.enabled = enabled;
    batch = info;
  }
  if (absl::Status s = Persist(*b); !s.ok()) {
    std::lock_guard lock(b->mu);
    b->batches[batch_id - 1].info.enabled = !enabled;
    return s;
  }
  PublishBatch(events_, *b, batch, enabled ? "enabled" : "disabled");
  std::lock_guard lock(b->mu);
  BroadcastRunner::BatchesChanged(b);
  return absl::OkStatus();
}

absl::Status BroadcastRegistry::Start(BroadcastId id) {
  absl::StatusOr<LiveBroadcast*> found = FindToChange(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  std::lock_guard control(b->control_mu);
  BroadcastStatus from;
  {
    std::lock_guard lock(b->mu);
    from = b->status;
    switch (b->status) {
      case BroadcastStatus::kRunning:
      case BroadcastStatus::kStartPending:
        return absl::OkStatus();
      case BroadcastStatus::kFinished:
      case BroadcastStatus::kArchived:
        return absl::FailedPreconditionError(absl::StrCat(
            "broadcast ", id, " is ", BroadcastStatusName(b->status),
            ": it cannot start again"));
      case BroadcastStatus::kStopped:
        if (b->store == nullptr) {
          return absl::FailedPreconditionError(absl::StrCat(
              "broadcast ", id,
              " has no state directory: a stopped broadcast cannot carry on"));
        }
        break;
      case BroadcastStatus::kSetup:
        break;
    }
    b->error.clear();
  }
  absl::StatusOr<bool> changed =
      ChangeStatus(b, events_, {from}, BroadcastStatus::kStartPending);
  if (!changed.ok()) return changed.status();
  // Only the runner moves b on from here, and there is none (a Stop or a
  // run that ended waited for it to leave).
  runner_->Start(b);
  return absl::OkStatus();
}

absl::Status BroadcastRegistry::Stop(BroadcastId id) {
  absl::StatusOr<LiveBroadcast*> found = FindToChange(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  std::lock_guard control(b->control_mu);
  {
    std::lock_guard lock(b->mu);
    if (b->status == BroadcastStatus::kStopped) return absl::OkStatus();
    if (!IsLive(b->status)) {
      return absl::FailedPreconditionError(
          absl::StrCat("broadcast ", id, " is ", BroadcastStatusName(b->status),
                       ": only a started broadcast can stop"));
    }
    // The run is told first: it stops sending while STOPPED is written.
    b->stop_requested = true;
    b->interrupt = true;
    b->changed.notify_all();
  }
  absl::Status written = StopLive(b, events_, "");
  BroadcastRunner::Stop(b);
  return written;
}

absl::Status BroadcastRegistry::Archive(BroadcastId id) {
  absl::StatusOr<LiveBroadcast*> found = FindToChange(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  std::lock_guard control(b->control_mu);
  {
    std::lock_guard lock(b->mu);
    if (b->status == BroadcastStatus::kArchived) return absl::OkStatus();
    b->stop_requested = true;
    b->interrupt = true;
    b->changed.notify_all();
  }
  // A live broadcast stops first, as Stop() does.
  if (absl::Status s = StopLive(b, events_, ""); !s.ok()) {
    BroadcastRunner::Stop(b);
    return s;
  }
  BroadcastRunner::Stop(b);
  absl::StatusOr<bool> changed =
      ChangeStatus(b, events_,
                   {BroadcastStatus::kSetup, BroadcastStatus::kStopped,
                    BroadcastStatus::kFinished},
                   BroadcastStatus::kArchived);
  return changed.status();
}

absl::Status BroadcastRegistry::UpdateDefinition(BroadcastId id,
                                                 absl::string_view definition) {
  if (absl::Status s = Writable(); !s.ok()) return s;
  absl::StatusOr<Broadcast> broadcast = ParseBroadcast(definition, "broadcast");
  if (!broadcast.ok()) return broadcast.status();
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  std::lock_guard control(b->control_mu);
  std::string old_definition;
  Broadcast old_broadcast;
  {
    std::lock_guard lock(b->mu);
    // The runner reads the definition without b->mu: it must have left.
    if ((b->status != BroadcastStatus::kSetup &&
         b->status != BroadcastStatus::kStopped) ||
        b->running) {
      return absl::FailedPreconditionError(absl::StrCat(
          "broadcast ", id, " is ", BroadcastStatusName(b->status),
          ": only a broadcast in SETUP or STOPPED takes a new definition"));
    }
    old_definition = std::move(b->definition);
    old_broadcast = std::move(b->broadcast);
    b->definition = std::string(definition);
    b->broadcast = *std::move(broadcast);
  }
  if (absl::Status s = Persist(*b); !s.ok()) {
    std::lock_guard lock(b->mu);
    b->definition = std::move(old_definition);
    b->broadcast = std::move(old_broadcast);
    return s;
  }
  // Readers keep the fromNumber they opened with: closed, outside the lock.
  std::vector<std::unique_ptr<StoreReader>> stale;
  {
    std::lock_guard readers(b->readers_mu);
    stale.swap(b->idle_readers);
    ++b->readers_generation;
  }
  return absl::OkStatus();
}

absl::StatusOr<BroadcastInfo> BroadcastRegistry::GetBroadcast(BroadcastId id) {
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  std::lock_guard lock((*found)->mu);
  return InfoOf(**found);
}

std::vector<BroadcastInfo> BroadcastRegistry::ListBroadcasts() {
  std::vector<LiveBroadcast*> live;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, b] : broadcasts_) live.push_back(b.get());
  }
  std::vector<BroadcastInfo> all;
  for (LiveBroadcast* b : live) {
    std::lock_guard lock(b->mu);
    all.push_back(InfoOf(*b));
  }
  return all;
}

absl::StatusOr<BroadcastProgress> BroadcastRegistry::GetProgress(
    BroadcastId id) {
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  std::lock_guard lock((*found)->progress_mu);
  return (*found)->progress;
}

absl::StatusOr<BroadcastStatus> BroadcastRegistry::Wait(
    BroadcastId id, absl::Duration timeout) {
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  std::unique_lock lock(b->mu);
  auto settled = [&] { return !IsLive(b->status) && !b->running; };
  if (timeout == absl::InfiniteDuration()) {
    b->changed.wait(lock, settled);
  } else {
    b->changed.wait_for(lock, absl::ToChronoNanoseconds(timeout), settled);
  }
  return b->status;
}

}  // namespace herald
