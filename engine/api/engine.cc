// The Engine: broadcasts, their batches and their lifecycle over the
// pipeline (engine/pipeline/broadcast_run.h) and the store
// (engine/store/sqlite_store.h).
//
// Each broadcast that runs has a runner thread of its own. A run of the
// pipeline takes the batches as they are when it begins; when they change
// (a batch added, one switched off or on) the runner interrupts the run,
// which collects the answers in flight and records them, and begins a new
// one that picks up from the store: settled rows are skipped, CALLBACK rows
// keep their due time. The same path carries a broadcast over a Stop() and
// Start(), and over a restart of the host process.
//
// One mutex (mu_) guards every broadcast's status and batches; it is never
// held while the pipeline runs, and listeners are called by the event bus's
// thread without it.
#include "herald/engine.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
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
#include "engine/api/event_bus.h"
#include "engine/api/recipients_csv.h"
#include "engine/base/file_io.h"
#include "engine/broadcast/broadcast.h"
#include "engine/dispatch/provider_config.h"
#include "engine/dispatch/provider_transport.h"
#include "engine/pipeline/broadcast_run.h"
#include "engine/pipeline/outbox_transport.h"
#include "engine/pipeline/outcome_log.h"
#include "engine/pipeline/run_report.h"
#include "engine/store/sqlite_store.h"
#include "engine/store/store_reader.h"
#include "engine/webhook/webhook_config.h"
#include "engine/webhook/webhook_notifier.h"
#include "nlohmann/json.hpp"
#include "timezone/zone_table.h"

namespace herald {

absl::string_view BroadcastStatusName(BroadcastStatus status) {
  switch (status) {
    case BroadcastStatus::kSetup:
      return "SETUP";
    case BroadcastStatus::kStartPending:
      return "START_PENDING";
    case BroadcastStatus::kRunning:
      return "RUNNING";
    case BroadcastStatus::kStopped:
      return "STOPPED";
    case BroadcastStatus::kFinished:
      return "FINISHED";
    case BroadcastStatus::kArchived:
      return "ARCHIVED";
  }
  return "SETUP";
}

absl::string_view BatchStatusName(BatchStatus status) {
  switch (status) {
    case BatchStatus::kNew:
      return "NEW";
    case BatchStatus::kValidating:
      return "VALIDATING";
    case BatchStatus::kActive:
      return "ACTIVE";
    case BatchStatus::kErrors:
      return "ERRORS";
  }
  return "NEW";
}

BatchSource BatchSource::File(std::string csv_path) {
  BatchSource source;
  source.path_ = std::move(csv_path);
  return source;
}

BatchSource BatchSource::Recipients(std::vector<Recipient> recipients) {
  BatchSource source;
  source.recipients_ = std::move(recipients);
  return source;
}

namespace {

template <typename Status>
std::optional<Status> ParseName(absl::string_view name, int count,
                                absl::string_view (*name_of)(Status)) {
  for (int i = 0; i < count; ++i) {
    if (name_of(static_cast<Status>(i)) == name) return static_cast<Status>(i);
  }
  return std::nullopt;
}

std::optional<BroadcastStatus> ParseBroadcastStatus(absl::string_view name) {
  return ParseName<BroadcastStatus>(name, 6, BroadcastStatusName);
}

std::optional<BatchStatus> ParseBatchStatus(absl::string_view name) {
  return ParseName<BatchStatus>(name, 4, BatchStatusName);
}

bool IsLive(BroadcastStatus status) {
  return status == BroadcastStatus::kRunning ||
         status == BroadcastStatus::kStartPending;
}

// Validation reads a batch with every row held: nothing reaches a
// transport.
class NoTransport : public ImmediateTransport {
 public:
  absl::Status Submit(absl::Span<const OutboundText>) override {
    return absl::InternalError("a batch being validated sends nothing");
  }
  absl::Status Finish() override { return absl::OkStatus(); }
};

// On the way to the store: counts the rows that become final, by batch, for
// BatchInfo::remaining while a run goes on.
class FinalCounter : public OutcomeSink {
 public:
  FinalCounter(OutcomeSink* next, std::mutex* mu,
               std::vector<uint64_t>* final_rows)
      : next_(next), mu_(mu), final_rows_(final_rows) {}

  absl::Status Record(absl::Span<const RowOutcome> outcomes) override {
    {
      std::lock_guard lock(*mu_);
      for (const RowOutcome& outcome : outcomes) {
        if (IsFinal(outcome.state) && outcome.batch <= final_rows_->size()) {
          ++(*final_rows_)[outcome.batch - 1];
        }
      }
    }
    return next_ != nullptr ? next_->Record(outcomes) : absl::OkStatus();
  }
  absl::Status RecordBatchSize(uint32_t batch, uint64_t rows) override {
    return next_ != nullptr ? next_->RecordBatchSize(batch, rows)
                            : absl::OkStatus();
  }
  absl::Status Flush() override {
    return next_ != nullptr ? next_->Flush() : absl::OkStatus();
  }
  absl::Status Finish() override {
    return next_ != nullptr ? next_->Finish() : absl::OkStatus();
  }

 private:
  OutcomeSink* next_;
  std::mutex* mu_;
  std::vector<uint64_t>* final_rows_;
};

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

// Creates the folders of `path` that are missing, readable by their owner
// only: a state directory holds numbers and messages.
absl::Status MakeDirectories(const std::string& path) {
  std::filesystem::path partial;
  for (const std::filesystem::path& part : std::filesystem::path(path)) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": cannot create the directory: ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

RunOptions BaseRunOptions(const EngineOptions& engine, Clock* clock,
                          const ZoneTable* zones,
                          const BroadcastOptions& options) {
  RunOptions run;
  run.phone_column = options.phone_column;
  run.workers = engine.workers;
  run.clock = clock;
  run.zones = zones;
  run.deadline = options.deadline;
  return run;
}

}  // namespace

// A broadcast the engine holds. Members marked (mu_) are guarded by the
// engine's mutex.
struct LiveBroadcast {
  struct Batch {
    BatchInfo info;
    FileVersion version;
  };

  BroadcastId id = 0;
  std::string dir;  // its folder in the state directory; empty: none
  std::string definition;
  Broadcast broadcast;
  BroadcastOptions options;
  absl::Time created;
  BroadcastStatus status = BroadcastStatus::kSetup;  // (mu_)
  std::string error;                                 // (mu_)
  bool inputs_refused = false;                       // (mu_)
  std::vector<Batch> batches;                        // (mu_)

  std::unique_ptr<SqliteStore> store;  // null without a state directory
  std::mutex store_mu;  // the store's reads against its WriteBroadcast
  std::unique_ptr<WebhookNotifier> notifier;
  std::mutex add_mu;  // one AddBatch at a time

  std::thread runner;
  bool running = false;          // the runner thread is in its loop (mu_)
  bool restart = false;          // the batches changed under the run (mu_)
  std::condition_variable wake;  // with mu_: something the runner waits on
  std::atomic<bool> interrupt{false};

  std::mutex counts_mu;
  std::vector<uint64_t> final_rows;  // by batch index (counts_mu)

  std::mutex progress_mu;
  BroadcastProgress progress;  // (progress_mu)
  std::string report_json;     // (progress_mu)
};

class Engine::Impl {
 public:
  explicit Impl(const EngineOptions& options) : options_(options) {}
  ~Impl();

  absl::Status Init();

  absl::StatusOr<BroadcastId> CreateBroadcast(absl::string_view definition,
                                              const BroadcastOptions& options);
  absl::StatusOr<BatchId> AddBatch(BroadcastId id, const BatchSource& source,
                                   const BatchOptions& options);
  absl::Status SetBatchEnabled(BroadcastId id, BatchId batch, bool enabled);
  absl::Status Start(BroadcastId id);
  absl::Status Stop(BroadcastId id);
  absl::Status Archive(BroadcastId id);
  absl::Status UpdateDefinition(BroadcastId id, absl::string_view definition);
  absl::StatusOr<BroadcastInfo> GetBroadcast(BroadcastId id);
  std::vector<BroadcastInfo> ListBroadcasts();
  absl::StatusOr<BroadcastProgress> GetProgress(BroadcastId id);
  absl::StatusOr<BroadcastStatus> Wait(BroadcastId id, absl::Duration timeout);
  absl::StatusOr<uint64_t> PendingEvents(BroadcastId id);
  absl::StatusOr<StoreStats> Stats(BroadcastId id, absl::Time begin,
                                   absl::Time end);
  absl::StatusOr<TextPage> FindTexts(BroadcastId id, const TextQuery& query);
  absl::StatusOr<std::string> LastRunReport(BroadcastId id);

  EventBus& events() { return events_; }

 private:
  // The batches one run of the pipeline takes.
  struct RunInput {
    std::vector<std::string> paths;
    std::vector<BatchRule> rules;
  };

  absl::Status Writable() const;
  // The broadcast `id`, or NotFound; with mu_ held.
  absl::StatusOr<LiveBroadcast*> Find(BroadcastId id);
  BroadcastInfo InfoOf(LiveBroadcast& b);

  // Opens the store of the broadcast in `dir` for `b`.
  absl::Status OpenStore(LiveBroadcast* b);
  absl::Status LoadBroadcast(BroadcastId id, const std::string& dir);
  absl::Status StartNotifier(LiveBroadcast* b);
  // Writes the broadcast and its batches to its store, durably; with mu_.
  absl::Status Persist(LiveBroadcast& b);
  // Sets the status, persists it and tells the subscribers; with mu_.
  absl::Status SetStatus(LiveBroadcast* b, BroadcastStatus status,
                         std::string detail = "");
  // Tells the waiters and the listeners that b's status changed; with mu_.
  void Announce(LiveBroadcast* b, std::string detail);
  // Stops `b` on `error`, in the store when it can be written, in memory
  // whatever happens; with mu_.
  void StopOnError(LiveBroadcast* b, const absl::Status& error);
  void PublishBatch(const LiveBroadcast& b, const BatchInfo& batch,
                    std::string detail = "");
  // The runner, with mu_.
  void StartRunner(LiveBroadcast* b);
  // Interrupts the run and waits for the runner to leave its loop; with mu_
  // held through `lock`.
  void StopRunner(LiveBroadcast* b, std::unique_lock<std::mutex>& lock);
  void RequestRestart(LiveBroadcast* b);
  void Runner(LiveBroadcast* b);
  absl::StatusOr<RunReport> RunOnce(LiveBroadcast* b, const RunInput& input);
  absl::StatusOr<Transport*> TransportFor(LiveBroadcast* b,
                                          std::unique_ptr<Transport>* owned);
  // Makes the folder and store of the new broadcast `b` and writes it
  // there; on failure leaves no folder behind.
  absl::Status CreateStore(LiveBroadcast* b);
  // The provider `name` of the providers file; null when there is none.
  const ProviderConfig* FindProvider(absl::string_view name) const;
  // Reads the batch file once with every row held: its size, and its
  // invalid rows for strictValidation.
  void Validate(LiveBroadcast* b, const BatchOptions& options,
                BatchInfo* batch);
  absl::StatusOr<std::unique_ptr<StoreReader>> Reader(BroadcastId id);

  const EngineOptions options_;
  Clock* clock_ = nullptr;
  std::optional<ZoneTable> zones_;
  std::vector<ProviderConfig> providers_;
  int lock_fd_ = -1;

  EventBus events_;
  std::mutex mu_;
  std::condition_variable status_changed_;  // with mu_
  std::map<BroadcastId, std::unique_ptr<LiveBroadcast>> broadcasts_;
  std::map<std::string, std::unique_ptr<ProviderHub>> hubs_;  // (mu_)
  bool closing_ = false;                                      // (mu_)
};

absl::Status Engine::Impl::Init() {
  clock_ = options_.clock != nullptr ? options_.clock : RealClock();
  absl::StatusOr<ZoneTable> zones =
      ZoneTable::BuiltInWithOverrides(options_.zone_data_path);
  if (!zones.ok()) return zones.status();
  zones_.emplace(*std::move(zones));
  if (!options_.providers_file.empty()) {
    absl::StatusOr<std::vector<ProviderConfig>> providers =
        LoadProvidersFile(options_.providers_file, ProcessEnv);
    if (!providers.ok()) return providers.status();
    providers_ = *std::move(providers);
  }
  if (options_.state_dir.empty()) {
    if (options_.read_only) {
      return absl::InvalidArgumentError("read_only needs a state_dir");
    }
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
  std::lock_guard lock(mu_);
  for (const auto& [id, dir] : found) {
    if (absl::Status s = LoadBroadcast(id, dir); !s.ok()) return s;
  }
  if (!options_.read_only) {
    for (auto& [id, b] : broadcasts_) {
      if (!IsLive(b->status)) continue;
      if (options_.resume_running) {
        StartRunner(b.get());
      } else if (absl::Status s = SetStatus(b.get(), BroadcastStatus::kStopped);
                 !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

Engine::Impl::~Impl() {
  std::vector<std::thread> runners;
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    for (auto& [id, b] : broadcasts_) {
      b->interrupt = true;
      b->wake.notify_all();
    }
  }
  for (auto& [id, b] : broadcasts_) {
    if (b->runner.joinable()) b->runner.join();
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
  broadcasts_.clear();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

absl::Status Engine::Impl::Writable() const {
  if (options_.read_only) {
    return absl::FailedPreconditionError(
        "the engine was opened read_only: nothing can change");
  }
  return absl::OkStatus();
}

absl::StatusOr<LiveBroadcast*> Engine::Impl::Find(BroadcastId id) {
  auto it = broadcasts_.find(id);
  if (it == broadcasts_.end()) {
    return absl::NotFoundError(absl::StrCat("no broadcast ", id));
  }
  return it->second.get();
}

absl::Status Engine::Impl::OpenStore(LiveBroadcast* b) {
  SqliteStoreOptions store_options;
  store_options.read_only = options_.read_only;
  store_options.synchronous_full = options_.synchronous_full;
  store_options.vfs = options_.sqlite_vfs;
  store_options.record_events = !b->options.webhook_file.empty();
  store_options.wants_finished = [this, b] {
    return b->notifier != nullptr || events_.HasListeners();
  };
  store_options.on_finished = [this, b](absl::Span<const TextRecord> texts) {
    if (b->notifier != nullptr) b->notifier->Notify();
    if (!events_.HasListeners()) return;
    for (const TextRecord& text : texts) {
      EngineEvent event;
      event.kind = EngineEvent::Kind::kTextFinished;
      event.broadcast = b->id;
      event.batch = text.batch_id;
      event.text = text;
      events_.Publish(std::move(event));
    }
  };
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(StorePath(b->dir), std::move(store_options));
  if (!store.ok()) return store.status();
  b->store = *std::move(store);
  return absl::OkStatus();
}

absl::Status Engine::Impl::StartNotifier(LiveBroadcast* b) {
  if (b->options.webhook_file.empty() || options_.read_only) {
    return absl::OkStatus();
  }
  absl::StatusOr<WebhookConfig> config =
      LoadWebhookConfig(b->options.webhook_file, ProcessEnv);
  if (!config.ok()) return config.status();
  absl::StatusOr<std::unique_ptr<WebhookNotifier>> notifier =
      WebhookNotifier::Start(StorePath(b->dir), *std::move(config));
  if (!notifier.ok()) return notifier.status();
  b->notifier = *std::move(notifier);
  return absl::OkStatus();
}

absl::Status Engine::Impl::LoadBroadcast(BroadcastId id,
                                         const std::string& dir) {
  auto b = std::make_unique<LiveBroadcast>();
  b->id = id;
  b->dir = dir;
  if (absl::Status s = OpenStore(b.get()); !s.ok()) return s;
  absl::StatusOr<std::optional<StoredBroadcast>> stored =
      b->store->ReadBroadcast();
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return absl::OkStatus();  // never recorded
  const StoredBroadcast& sb = **stored;
  const std::string where = StorePath(dir);
  absl::StatusOr<Broadcast> broadcast = ParseBroadcast(sb.definition, where);
  if (!broadcast.ok()) return broadcast.status();
  absl::StatusOr<BroadcastOptions> options = OptionsFromJson(sb.inputs, where);
  if (!options.ok()) return options.status();
  std::optional<BroadcastStatus> status = ParseBroadcastStatus(sb.status);
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
  if (!b->options.webhook_file.empty()) {
    // The store writes events only when opened for a webhook, which its
    // broadcast row says: open it again, now knowing.
    b->store.reset();
    if (absl::Status s = OpenStore(b.get()); !s.ok()) return s;
  }
  absl::StatusOr<std::vector<StoredBatch>> batches = b->store->ReadBatches();
  if (!batches.ok()) return batches.status();
  bool interrupted = false;
  for (const StoredBatch& stored_batch : *batches) {
    LiveBroadcast::Batch& batch = b->batches.emplace_back();
    BatchInfo& info = batch.info;
    info.id = stored_batch.id;
    info.name = stored_batch.name;
    info.path = stored_batch.path;
    info.status =
        ParseBatchStatus(stored_batch.status).value_or(BatchStatus::kErrors);
    if (info.status == BatchStatus::kNew ||
        info.status == BatchStatus::kValidating) {
      info.status = BatchStatus::kErrors;
      info.error =
          "the engine stopped before the batch was validated; add it again";
      interrupted = true;
    } else {
      info.error = stored_batch.error;
    }
    info.enabled = stored_batch.enabled;
    info.size = stored_batch.size.value_or(0);
    info.scrub_duplicates = stored_batch.scrub_duplicates;
    info.created = stored_batch.created;
    batch.version = stored_batch.version;
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
  if (absl::Status s = StartNotifier(b.get()); !s.ok()) return s;
  broadcasts_[id] = std::move(b);
  return absl::OkStatus();
}

absl::Status Engine::Impl::Persist(LiveBroadcast& b) {
  if (b.store == nullptr) return absl::OkStatus();
  StoredBroadcast stored;
  stored.run_id = b.options.run_id;
  stored.name = b.broadcast.name;
  stored.from_number = b.broadcast.from_number;
  stored.definition = b.definition;
  stored.inputs = OptionsJson(b.options).dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  stored.status = std::string(BroadcastStatusName(b.status));
  stored.created = b.created;
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
  std::lock_guard lock(b.store_mu);
  return b.store->WriteBroadcast(stored, batches);
}

absl::Status Engine::Impl::SetStatus(LiveBroadcast* b, BroadcastStatus status,
                                     std::string detail) {
  if (b->status == status) return absl::OkStatus();
  const BroadcastStatus before = b->status;
  b->status = status;
  if (absl::Status s = Persist(*b); !s.ok()) {
    b->status = before;
    return s;
  }
  Announce(b, std::move(detail));
  return absl::OkStatus();
}

void Engine::Impl::Announce(LiveBroadcast* b, std::string detail) {
  status_changed_.notify_all();
  b->wake.notify_all();
  EngineEvent event;
  event.kind = EngineEvent::Kind::kBroadcastStatus;
  event.broadcast = b->id;
  event.broadcast_status = b->status;
  event.detail = std::move(detail);
  events_.Publish(std::move(event));
}

void Engine::Impl::StopOnError(LiveBroadcast* b, const absl::Status& error) {
  b->error = std::string(error.message());
  if (SetStatus(b, BroadcastStatus::kStopped, b->error).ok()) return;
  // The store cannot say so (a full disk): the broadcast stops all the same,
  // in memory, so that nobody waits for a runner that has left. The store
  // still says RUNNING, and the next start resumes it.
  b->status = BroadcastStatus::kStopped;
  Announce(b, b->error);
}

void Engine::Impl::PublishBatch(const LiveBroadcast& b, const BatchInfo& batch,
                                std::string detail) {
  EngineEvent event;
  event.kind = EngineEvent::Kind::kBatchStatus;
  event.broadcast = b.id;
  event.batch = batch.id;
  event.batch_status = batch.status;
  event.detail = std::move(detail);
  events_.Publish(std::move(event));
}

BroadcastInfo Engine::Impl::InfoOf(LiveBroadcast& b) {
  BroadcastInfo info;
  info.id = b.id;
  info.name = b.broadcast.name;
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

absl::Status Engine::Impl::CreateStore(LiveBroadcast* b) {
  std::error_code error;
  if (std::filesystem::exists(b->dir, error) || error) {
    return absl::FailedPreconditionError(
        absl::StrCat(b->dir,
                     ": exists, but holds no broadcast this engine "
                     "opened; move it away"));
  }
  if (absl::Status s = MakeDirectories(b->dir); !s.ok()) return s;
  absl::Status s = OpenStore(b);
  if (s.ok()) s = Persist(*b);
  if (s.ok()) s = StartNotifier(b);
  if (!s.ok()) {
    // A store half made (a full disk) would be refused as damaged by every
    // later Open: the folder holds nothing yet, and goes.
    b->notifier.reset();
    b->store.reset();
    std::filesystem::remove_all(b->dir, error);
  }
  return s;
}

absl::StatusOr<BroadcastId> Engine::Impl::CreateBroadcast(
    absl::string_view definition, const BroadcastOptions& options) {
  if (absl::Status s = Writable(); !s.ok()) return s;
  absl::StatusOr<Broadcast> broadcast = ParseBroadcast(definition, "broadcast");
  if (!broadcast.ok()) return broadcast.status();
  if (options.weight < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "broadcast options: weight: must be at least 1, got ", options.weight));
  }
  if (absl::Status s = CheckRunId(options.run_id); !s.ok()) return s;
  if (!options.provider.empty() && FindProvider(options.provider) == nullptr) {
    std::vector<std::string> names;
    for (const ProviderConfig& p : providers_) names.push_back(p.name);
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

  std::lock_guard lock(mu_);
  auto b = std::make_unique<LiveBroadcast>();
  b->id = broadcasts_.empty() ? 1 : broadcasts_.rbegin()->first + 1;
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
    if (absl::Status s = CreateStore(b.get()); !s.ok()) return s;
  }
  LiveBroadcast* created = b.get();
  broadcasts_[created->id] = std::move(b);
  EngineEvent event;
  event.kind = EngineEvent::Kind::kBroadcastStatus;
  event.broadcast = created->id;
  event.broadcast_status = BroadcastStatus::kSetup;
  events_.Publish(std::move(event));
  return created->id;
}

absl::StatusOr<BatchId> Engine::Impl::AddBatch(BroadcastId id,
                                               const BatchSource& source,
                                               const BatchOptions& options) {
  if (absl::Status s = Writable(); !s.ok()) return s;
  LiveBroadcast* b = nullptr;
  BatchInfo batch;
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
    return absl::OkStatus();
  };
  {
    std::lock_guard lock(mu_);
    absl::StatusOr<LiveBroadcast*> found = Find(id);
    if (!found.ok()) return found.status();
    b = *found;
    if (absl::Status s = refused(); !s.ok()) return s;
  }
  std::lock_guard add_lock(b->add_mu);
  {
    std::lock_guard lock(mu_);
    batch.id = static_cast<BatchId>(b->batches.size() + 1);
  }
  batch.path = source.path();
  if (batch.path.empty()) {
    if (b->dir.empty()) {
      return absl::InvalidArgumentError(
          "recipients in memory need a state directory to be kept in");
    }
    batch.path = absl::StrCat(b->dir, "/batch-", batch.id, ".csv");
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
               : source.path().empty()
                   ? absl::StrCat("batch ", batch.id)
                   : std::filesystem::path(source.path()).filename().string();
  batch.scrub_duplicates = options.scrub_duplicates;
  batch.created = clock_->Now();
  {
    std::lock_guard lock(mu_);
    if (absl::Status s = refused(); !s.ok()) return s;
    batch.status = BatchStatus::kNew;
    b->batches.push_back({batch, *version});
    {
      std::lock_guard counts(b->counts_mu);
      b->final_rows.resize(b->batches.size());
    }
    if (absl::Status s = Persist(*b); !s.ok()) {
      b->batches.pop_back();
      return s;
    }
    PublishBatch(*b, batch);
    b->batches.back().info.status = batch.status = BatchStatus::kValidating;
    if (absl::Status s = Persist(*b); !s.ok()) return s;
    PublishBatch(*b, batch);
  }
  Validate(b, options, &batch);
  std::lock_guard lock(mu_);
  b->batches[batch.id - 1].info = batch;
  if (absl::Status s = Persist(*b); !s.ok()) return s;
  PublishBatch(*b, batch, batch.error);
  // A running broadcast takes the batch (or stops waiting for it); a
  // START_PENDING one may run now.
  if (b->status == BroadcastStatus::kRunning) RequestRestart(b);
  b->wake.notify_all();
  return batch.id;
}

void Engine::Impl::Validate(LiveBroadcast* b, const BatchOptions& options,
                            BatchInfo* batch) {
  RunOptions run = BaseRunOptions(options_, clock_, &*zones_, b->options);
  run.contact_paths = {batch->path};
  run.batch_rules = {{BatchRule::Mode::kHold, false}};
  NoTransport none;
  absl::StatusOr<RunReport> report =
      RunBroadcast(b->broadcast, run, &none, nullptr);
  absl::Status status = report.ok() ? report->status : report.status();
  if (!status.ok()) {
    batch->status = BatchStatus::kErrors;
    batch->error = std::string(status.message());
    return;
  }
  batch->size = report->totals.total;
  batch->remaining = batch->size;
  if (options.strict_validation && report->totals.invalid > 0) {
    const RowIssue& first = report->invalid_samples.front();
    batch->status = BatchStatus::kErrors;
    batch->error = absl::StrCat(
        "strictValidation: ", report->totals.invalid, " invalid row",
        report->totals.invalid == 1 ? "" : "s", ", the first ", first.path, ":",
        first.line, ": ", first.reason);
    return;
  }
  batch->status = BatchStatus::kActive;
}

absl::Status Engine::Impl::SetBatchEnabled(BroadcastId id, BatchId batch_id,
                                           bool enabled) {
  if (absl::Status s = Writable(); !s.ok()) return s;
  std::lock_guard lock(mu_);
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
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
  BatchInfo& batch = b->batches[batch_id - 1].info;
  if (enabled && batch.status == BatchStatus::kErrors) {
    return absl::FailedPreconditionError(absl::StrCat(
        "batch ", batch_id, " of broadcast ", id, " is in ERRORS (",
        batch.error, "): it cannot be enabled"));
  }
  if (batch.enabled == enabled) return absl::OkStatus();
  if (b->store == nullptr && IsLive(b->status)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "broadcast ", id,
        " has no state directory: its batches are switched before it starts"));
  }
  batch.enabled = enabled;
  if (absl::Status s = Persist(*b); !s.ok()) {
    batch.enabled = !enabled;
    return s;
  }
  PublishBatch(*b, batch, enabled ? "enabled" : "disabled");
  if (b->status == BroadcastStatus::kRunning) RequestRestart(b);
  b->wake.notify_all();
  return absl::OkStatus();
}

absl::Status Engine::Impl::Start(BroadcastId id) {
  if (absl::Status s = Writable(); !s.ok()) return s;
  std::lock_guard lock(mu_);
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  switch (b->status) {
    case BroadcastStatus::kRunning:
    case BroadcastStatus::kStartPending:
      return absl::OkStatus();
    case BroadcastStatus::kFinished:
    case BroadcastStatus::kArchived:
      return absl::FailedPreconditionError(
          absl::StrCat("broadcast ", id, " is ", BroadcastStatusName(b->status),
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
  if (absl::Status s = SetStatus(b, BroadcastStatus::kStartPending); !s.ok()) {
    return s;
  }
  StartRunner(b);
  return absl::OkStatus();
}

absl::Status Engine::Impl::Stop(BroadcastId id) {
  if (absl::Status s = Writable(); !s.ok()) return s;
  std::unique_lock lock(mu_);
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  if (b->status == BroadcastStatus::kStopped) return absl::OkStatus();
  if (!IsLive(b->status)) {
    return absl::FailedPreconditionError(
        absl::StrCat("broadcast ", id, " is ", BroadcastStatusName(b->status),
                     ": only a started broadcast can stop"));
  }
  // The run is told first: writing STOPPED waits behind the outcomes the
  // store has queued, and the run would go on sending meanwhile.
  b->interrupt = true;
  b->wake.notify_all();
  if (absl::Status s = SetStatus(b, BroadcastStatus::kStopped); !s.ok()) {
    StopRunner(b, lock);
    return s;
  }
  StopRunner(b, lock);
  return absl::OkStatus();
}

absl::Status Engine::Impl::Archive(BroadcastId id) {
  if (absl::Status s = Writable(); !s.ok()) return s;
  std::unique_lock lock(mu_);
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  if (b->status == BroadcastStatus::kArchived) return absl::OkStatus();
  if (IsLive(b->status)) {
    if (absl::Status s = SetStatus(b, BroadcastStatus::kStopped); !s.ok()) {
      return s;
    }
    StopRunner(b, lock);
  }
  return SetStatus(b, BroadcastStatus::kArchived);
}

absl::Status Engine::Impl::UpdateDefinition(BroadcastId id,
                                            absl::string_view definition) {
  if (absl::Status s = Writable(); !s.ok()) return s;
  absl::StatusOr<Broadcast> broadcast = ParseBroadcast(definition, "broadcast");
  if (!broadcast.ok()) return broadcast.status();
  std::unique_lock lock(mu_);
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  // The runner reads the definition without mu_: it must have left.
  if ((b->status != BroadcastStatus::kSetup &&
       b->status != BroadcastStatus::kStopped) ||
      b->running) {
    return absl::FailedPreconditionError(absl::StrCat(
        "broadcast ", id, " is ", BroadcastStatusName(b->status),
        ": only a broadcast in SETUP or STOPPED takes a new definition"));
  }
  std::string old_definition = std::move(b->definition);
  Broadcast old_broadcast = std::move(b->broadcast);
  b->definition = std::string(definition);
  b->broadcast = *std::move(broadcast);
  if (absl::Status s = Persist(*b); !s.ok()) {
    b->definition = std::move(old_definition);
    b->broadcast = std::move(old_broadcast);
    return s;
  }
  return absl::OkStatus();
}

void Engine::Impl::StartRunner(LiveBroadcast* b) {
  // A runner that left its loop has released mu_ for good: joining it here
  // cannot wait on us.
  if (b->runner.joinable()) b->runner.join();
  b->running = true;
  b->interrupt = false;
  b->runner = std::thread([this, b] { Runner(b); });
}

void Engine::Impl::StopRunner(LiveBroadcast* b,
                              std::unique_lock<std::mutex>& lock) {
  b->interrupt = true;
  b->wake.notify_all();
  status_changed_.wait(lock, [&] { return !b->running; });
}

void Engine::Impl::RequestRestart(LiveBroadcast* b) {
  b->restart = true;
  b->interrupt = true;
  b->wake.notify_all();
}

void Engine::Impl::Runner(LiveBroadcast* b) {
  std::unique_lock lock(mu_);
  auto has_active = [&] {
    return std::any_of(b->batches.begin(), b->batches.end(),
                       [](const LiveBroadcast::Batch& batch) {
                         return batch.info.status == BatchStatus::kActive;
                       });
  };
  auto stopping = [&] {
    return closing_ || !IsLive(b->status) || b->interrupt.load();
  };
  while (!closing_ && IsLive(b->status)) {
    if (b->status == BroadcastStatus::kStartPending) {
      if (has_active()) {
        if (absl::Status s = SetStatus(b, BroadcastStatus::kRunning); !s.ok()) {
          StopOnError(b, s);
          break;
        }
        continue;
      }
      b->wake.wait(lock);
      continue;
    }
    RunInput input;
    bool validating = false;
    for (const LiveBroadcast::Batch& batch : b->batches) {
      input.paths.push_back(batch.info.path);
      BatchRule& rule = input.rules.emplace_back();
      rule.scrub_duplicates = batch.info.scrub_duplicates;
      if (batch.info.status != BatchStatus::kActive) {
        rule.mode = BatchRule::Mode::kSkip;
        validating |= batch.info.status != BatchStatus::kErrors;
      } else if (!batch.info.enabled) {
        rule.mode = BatchRule::Mode::kHold;
      }
    }
    b->restart = false;
    b->interrupt = false;
    lock.unlock();
    absl::StatusOr<RunReport> report = RunOnce(b, input);
    lock.lock();
    if (closing_ || !IsLive(b->status)) break;
    if (b->restart) continue;
    const absl::Status status = report.ok() ? report->status : report.status();
    // RunBroadcast fails without a report only while it plans, before
    // anything is sent.
    b->inputs_refused =
        !report.ok() && status.code() == absl::StatusCode::kInvalidArgument;
    if (!status.ok()) {
      StopOnError(b, status);
      break;
    }
    if (report->totals.remaining > 0 || validating) {
      // Rows of a switched-off batch, or a batch on its way: the broadcast
      // is not done until they are.
      b->wake.wait(lock, [&] { return b->restart || stopping(); });
      if (b->interrupt && !b->restart) break;
      continue;
    }
    if (absl::Status s = SetStatus(b, BroadcastStatus::kFinished); !s.ok()) {
      StopOnError(b, s);
    }
    break;
  }
  b->running = false;
  status_changed_.notify_all();
}

const ProviderConfig* Engine::Impl::FindProvider(absl::string_view name) const {
  for (const ProviderConfig& provider : providers_) {
    if (provider.name == name) return &provider;
  }
  return nullptr;
}

absl::StatusOr<Transport*> Engine::Impl::TransportFor(
    LiveBroadcast* b, std::unique_ptr<Transport>* owned) {
  const BroadcastOptions& options = b->options;
  if (options.provider.empty()) {
    const std::string path = options.outbox_path.empty()
                                 ? b->dir + "/outbox.jsonl"
                                 : options.outbox_path;
    absl::StatusOr<std::unique_ptr<OutboxTransport>> outbox =
        OutboxTransport::Create(path, clock_, options.run_id,
                                OutputFile::Mode::kAppend);
    if (!outbox.ok()) return outbox.status();
    *owned = *std::move(outbox);
    return owned->get();
  }
  ProviderHub* hub = nullptr;
  {
    std::lock_guard lock(mu_);
    std::unique_ptr<ProviderHub>& slot = hubs_[options.provider];
    if (slot == nullptr) {
      const ProviderConfig* config = FindProvider(options.provider);
      if (config == nullptr) {
        hubs_.erase(options.provider);
        return absl::FailedPreconditionError(
            absl::StrCat("provider \"", options.provider,
                         "\" is not in the engine's providers file"));
      }
      absl::StatusOr<std::unique_ptr<ProviderHub>> created =
          ProviderHub::Create(*config);
      if (!created.ok()) {
        hubs_.erase(options.provider);
        return created.status();
      }
      slot = *std::move(created);
    }
    hub = slot.get();
  }
  ChannelOptions channel;
  channel.key_prefix = options.run_id;
  channel.weight = options.weight;
  absl::StatusOr<std::unique_ptr<Transport>> opened = hub->OpenChannel(channel);
  if (!opened.ok()) return opened.status();
  *owned = *std::move(opened);
  return owned->get();
}

absl::StatusOr<RunReport> Engine::Impl::RunOnce(LiveBroadcast* b,
                                                const RunInput& input) {
  RunOptions run = BaseRunOptions(options_, clock_, &*zones_, b->options);
  run.contact_paths = input.paths;
  run.batch_rules = input.rules;
  run.dnc_paths = b->options.dnc_paths;
  run.dnc_skip_unreadable = b->options.dnc_skip_unreadable;
  run.interrupt = &b->interrupt;
  const ProviderConfig* provider = FindProvider(b->options.provider);
  const absl::Duration answer_timeout =
      provider != nullptr ? provider->timeout : absl::ZeroDuration();
  run.on_progress = [b, answer_timeout](const RunProgress& p) {
    std::lock_guard lock(b->progress_mu);
    BroadcastProgress& out = b->progress;
    out.rows = p.rows;
    out.sent = p.sent;
    out.waiting = p.waiting;
    out.callbacks = p.callbacks;
    out.in_flight = p.in_flight;
    out.queued = p.queued;
    out.answer_timeout = answer_timeout;
    out.first_pass = p.first_pass;
    out.idle_until = p.idle_until;
    out.deferred_by_zone = p.deferred_by_zone;
    out.warnings = p.warnings;
  };
  ResumePoint resume;
  if (b->store != nullptr) {
    std::lock_guard lock(b->store_mu);
    absl::StatusOr<ResumePoint> point =
        b->store->ReadResumePoint(input.paths.size());
    if (!point.ok()) return point.status();
    resume = *std::move(point);
    run.resume = &resume;
    std::lock_guard counts(b->counts_mu);
    for (size_t i = 0; i < resume.batches.size(); ++i) {
      const std::vector<bool>& rows = resume.batches[i].final_rows;
      b->final_rows[i] = std::count(rows.begin(), rows.end(), true);
    }
  }
  std::unique_ptr<Transport> owned;
  absl::StatusOr<Transport*> transport = TransportFor(b, &owned);
  if (!transport.ok()) return transport.status();
  std::unique_ptr<JsonlOutcomeLog> log;
  if (!b->options.outcomes_path.empty()) {
    absl::StatusOr<std::unique_ptr<JsonlOutcomeLog>> created =
        JsonlOutcomeLog::Create(b->options.outcomes_path,
                                OutputFile::Mode::kAppend);
    if (!created.ok()) return created.status();
    log = *std::move(created);
  }
  std::vector<OutcomeSink*> sinks;
  if (b->store != nullptr) sinks.push_back(b->store.get());
  if (log != nullptr) sinks.push_back(log.get());
  OutcomeTee tee(sinks);
  FinalCounter counter(&tee, &b->counts_mu, &b->final_rows);
  absl::StatusOr<RunReport> report =
      RunBroadcast(b->broadcast, run, *transport, &counter);
  {
    std::lock_guard lock(b->progress_mu);
    b->progress = BroadcastProgress();
    if (report.ok()) b->report_json = RunReportJson(b->broadcast, *report);
  }
  return report;
}

absl::StatusOr<BroadcastInfo> Engine::Impl::GetBroadcast(BroadcastId id) {
  std::lock_guard lock(mu_);
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  return InfoOf(**found);
}

std::vector<BroadcastInfo> Engine::Impl::ListBroadcasts() {
  std::lock_guard lock(mu_);
  std::vector<BroadcastInfo> all;
  for (auto& [id, b] : broadcasts_) all.push_back(InfoOf(*b));
  return all;
}

absl::StatusOr<BroadcastProgress> Engine::Impl::GetProgress(BroadcastId id) {
  LiveBroadcast* b;
  {
    std::lock_guard lock(mu_);
    absl::StatusOr<LiveBroadcast*> found = Find(id);
    if (!found.ok()) return found.status();
    b = *found;
  }
  std::lock_guard lock(b->progress_mu);
  return b->progress;
}

absl::StatusOr<BroadcastStatus> Engine::Impl::Wait(BroadcastId id,
                                                   absl::Duration timeout) {
  std::unique_lock lock(mu_);
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  auto settled = [&] { return !IsLive(b->status) && !b->running; };
  if (timeout == absl::InfiniteDuration()) {
    status_changed_.wait(lock, settled);
  } else {
    status_changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), settled);
  }
  return b->status;
}

absl::StatusOr<std::unique_ptr<StoreReader>> Engine::Impl::Reader(
    BroadcastId id) {
  std::string dir;
  {
    std::lock_guard lock(mu_);
    absl::StatusOr<LiveBroadcast*> found = Find(id);
    if (!found.ok()) return found.status();
    dir = (*found)->dir;
  }
  if (dir.empty()) {
    return absl::FailedPreconditionError(
        "the engine has no state directory: texts and statistics are not "
        "kept");
  }
  return StoreReader::Open(StorePath(dir));
}

absl::StatusOr<uint64_t> Engine::Impl::PendingEvents(BroadcastId id) {
  absl::StatusOr<std::unique_ptr<StoreReader>> reader = Reader(id);
  if (!reader.ok()) return reader.status();
  return (*reader)->PendingEvents();
}

absl::StatusOr<StoreStats> Engine::Impl::Stats(BroadcastId id, absl::Time begin,
                                               absl::Time end) {
  absl::StatusOr<std::unique_ptr<StoreReader>> reader = Reader(id);
  if (!reader.ok()) return reader.status();
  return (*reader)->Stats(begin, end);
}

absl::StatusOr<TextPage> Engine::Impl::FindTexts(BroadcastId id,
                                                 const TextQuery& query) {
  absl::StatusOr<std::unique_ptr<StoreReader>> reader = Reader(id);
  if (!reader.ok()) return reader.status();
  return (*reader)->FindTexts(query);
}

absl::StatusOr<std::string> Engine::Impl::LastRunReport(BroadcastId id) {
  LiveBroadcast* b;
  {
    std::lock_guard lock(mu_);
    absl::StatusOr<LiveBroadcast*> found = Find(id);
    if (!found.ok()) return found.status();
    b = *found;
  }
  std::lock_guard lock(b->progress_mu);
  return b->report_json;
}

// The public face: every call goes to the Impl, and no exception crosses
// it (an allocation failure included).
namespace {
template <typename F>
auto Guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("herald engine: ", e.what()));
  }
}
}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(
    const EngineOptions& options) {
  return Guarded([&]() -> absl::StatusOr<std::unique_ptr<Engine>> {
    auto impl = std::make_unique<Impl>(options);
    if (absl::Status s = impl->Init(); !s.ok()) return s;
    return std::unique_ptr<Engine>(new Engine(std::move(impl)));
  });
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

absl::StatusOr<BroadcastId> Engine::CreateBroadcast(
    absl::string_view definition, const BroadcastOptions& options) {
  return Guarded([&] { return impl_->CreateBroadcast(definition, options); });
}

absl::StatusOr<BatchId> Engine::AddBatch(BroadcastId broadcast,
                                         const BatchSource& source,
                                         const BatchOptions& options) {
  return Guarded([&] { return impl_->AddBatch(broadcast, source, options); });
}

absl::Status Engine::SetBatchEnabled(BroadcastId broadcast, BatchId batch,
                                     bool enabled) {
  return Guarded(
      [&] { return impl_->SetBatchEnabled(broadcast, batch, enabled); });
}

absl::Status Engine::Start(BroadcastId broadcast) {
  return Guarded([&] { return impl_->Start(broadcast); });
}

absl::Status Engine::Stop(BroadcastId broadcast) {
  return Guarded([&] { return impl_->Stop(broadcast); });
}

absl::Status Engine::Archive(BroadcastId broadcast) {
  return Guarded([&] { return impl_->Archive(broadcast); });
}

absl::Status Engine::UpdateDefinition(BroadcastId broadcast,
                                      absl::string_view definition) {
  return Guarded(
      [&] { return impl_->UpdateDefinition(broadcast, definition); });
}

absl::StatusOr<BroadcastInfo> Engine::GetBroadcast(BroadcastId broadcast) {
  return Guarded([&] { return impl_->GetBroadcast(broadcast); });
}

std::vector<BroadcastInfo> Engine::ListBroadcasts() {
  try {
    return impl_->ListBroadcasts();
  } catch (const std::exception&) {
    return {};  // out of memory: nothing to show
  }
}

absl::StatusOr<BroadcastProgress> Engine::GetProgress(BroadcastId broadcast) {
  return Guarded([&] { return impl_->GetProgress(broadcast); });
}

absl::StatusOr<BroadcastStatus> Engine::Wait(BroadcastId broadcast,
                                             absl::Duration timeout) {
  return Guarded([&] { return impl_->Wait(broadcast, timeout); });
}

absl::StatusOr<StoreStats> Engine::Stats(BroadcastId broadcast,
                                         absl::Time begin, absl::Time end) {
  return Guarded([&] { return impl_->Stats(broadcast, begin, end); });
}

absl::StatusOr<uint64_t> Engine::PendingEvents(BroadcastId broadcast) {
  return Guarded([&] { return impl_->PendingEvents(broadcast); });
}

absl::StatusOr<TextPage> Engine::FindTexts(BroadcastId broadcast,
                                           const TextQuery& query) {
  return Guarded([&] { return impl_->FindTexts(broadcast, query); });
}

absl::StatusOr<std::string> Engine::LastRunReport(BroadcastId broadcast) {
  return Guarded([&] { return impl_->LastRunReport(broadcast); });
}

SubscriptionId Engine::Subscribe(
    std::function<void(const EngineEvent&)> listener) {
  return impl_->events().Subscribe(std::move(listener));
}

void Engine::Unsubscribe(SubscriptionId id) { impl_->events().Unsubscribe(id); }

}  // namespace herald
