#include "engine/api/run_assembly.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/pipeline/outbox_transport.h"
#include "engine/pipeline/outcome_log.h"
#include "engine/pipeline/run_report.h"

namespace herald {
namespace {

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

}  // namespace

RunAssembly::RunAssembly(const EngineOptions& options, Clock* clock,
                         const ZoneTable* zones,
                         std::vector<ProviderConfig> providers,
                         const SendBlock* send_block)
    : options_(options),
      clock_(clock),
      zones_(zones),
      providers_(std::move(providers)),
      send_block_(send_block) {}

RunAssembly::~RunAssembly() = default;

const ProviderConfig* RunAssembly::FindProvider(absl::string_view name) const {
  for (const ProviderConfig& provider : providers_) {
    if (provider.name == name) return &provider;
  }
  return nullptr;
}

RunOptions RunAssembly::BaseRunOptions(const BroadcastOptions& options) const {
  RunOptions run;
  run.phone_column = options.phone_column;
  run.workers = options_.workers;
  run.clock = clock_;
  run.zones = zones_;
  run.deadline = options.deadline;
  run.send_block = send_block_;
  return run;
}

void RunAssembly::Validate(const Broadcast& broadcast,
                           const BroadcastOptions& options,
                           const BatchOptions& batch_options,
                           BatchInfo* batch) const {
  RunOptions run = BaseRunOptions(options);
  run.contact_paths = {batch->path};
  run.batch_rules = {{BatchRule::Mode::kHold, false}};
  NoTransport none;
  absl::StatusOr<RunReport> report =
      RunBroadcast(broadcast, run, &none, nullptr);
  absl::Status status = report.ok() ? report->status : report.status();
  if (!status.ok()) {
    batch->status = BatchStatus::kErrors;
    batch->error = std::string(status.message());
    return;
  }
  batch->size = report->totals.total;
  batch->remaining = batch->size;
  if (batch_options.strict_validation && report->totals.invalid > 0) {
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

absl::StatusOr<Transport*> RunAssembly::TransportFor(
    LiveBroadcast* b, std::unique_ptr<Transport>* owned) {
  const BroadcastOptions& options = b->options;
  if (options_.transport_factory) {
    absl::StatusOr<std::unique_ptr<Transport>> made =
        options_.transport_factory(b->id, options);
    if (!made.ok()) return made.status();
    if (*made == nullptr) {
      return absl::InternalError(absl::StrCat(
          "the engine's transport factory made no transport for broadcast ",
          b->id));
    }
    *owned = *std::move(made);
    return owned->get();
  }
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
    std::lock_guard lock(hubs_mu_);
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
          ProviderHub::Create(*config, clock_, send_block_);
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
  channel.broadcast = b->id;
  channel.interrupt = &b->interrupt;
  channel.weight = options.weight;
  absl::StatusOr<std::unique_ptr<Transport>> opened = hub->OpenChannel(channel);
  if (!opened.ok()) return opened.status();
  *owned = *std::move(opened);
  return owned->get();
}

absl::StatusOr<RunReport> RunAssembly::RunOnce(LiveBroadcast* b,
                                               const RunInput& input) {
  RunOptions run = BaseRunOptions(b->options);
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
    if (report.ok()) {
      b->report = *report;
      b->report_json = RunReportJson(b->broadcast, *report);
    }
  }
  return report;
}

}  // namespace herald
