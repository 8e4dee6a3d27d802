#include "engine/pipeline/broadcast_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/file_io.h"
#include "engine/pipeline/chunk_pipeline.h"
#include "engine/pipeline/recipient_gates.h"
#include "engine/pipeline/row_classifier.h"
#include "engine/pipeline/row_fate.h"
#include "engine/pipeline/run_plan.h"
#include "engine/pipeline/waiting_book.h"

namespace herald {
namespace {

constexpr size_t kMaxInvalidSamples = 100;

// How long the committer waits for answers when it has nothing else to do:
// short enough to notice a due retry or an opened window soon after.
constexpr absl::Duration kCollectWait = absl::Milliseconds(100);
// Texts handed to the transport at a time (Pipeline::Submit).
constexpr size_t kSubmitSlice = 4096;

constexpr absl::string_view kSkippedReason =
    "no known time zone for this number, and unknownZonePolicy is skip";

using Stopwatch = std::chrono::steady_clock;

double SecondsSince(Stopwatch::time_point start) {
  return std::chrono::duration<double>(Stopwatch::now() - start).count();
}

// One run: its passes (ChunkPipeline) and the committer, on the caller's
// thread, that decides each row's fate in file order, hands texts to the
// transport and records the answers. Its members are many because they are
// of three kinds, grouped below: the run's inputs (set once), the
// committer's state (the duplicate set, the book of waiting rows, the
// counts of what is in flight), and scratch buffers reused chunk after
// chunk so that the hot path does not allocate.
class Pipeline {
 public:
  Pipeline(const Broadcast& broadcast, const RunOptions& options,
           std::vector<BatchPlan> plans, std::vector<FileVersion> versions,
           const NumberSet* dnc, const RecipientGates* gates, Clock* clock,
           Transport* transport, OutcomeSink* outcomes, RunReport* report)
      : broadcast_(broadcast),
        options_(options),
        plans_(std::move(plans)),
        versions_(std::move(versions)),
        gates_(gates),
        clock_(clock),
        transport_(transport),
        outcomes_(outcomes),
        report_(report),
        workers_(options.workers > 0
                     ? options.workers
                     : std::max(1u, std::thread::hardware_concurrency())),
        chunks_(
            &broadcast_, &plans_, dnc, &gates->zone_table(), &options.csv,
            workers_,
            [this](uint32_t b) {
              return Rule(b).mode != BatchRule::Mode::kSkip;
            },
            &stop_),
        windows_(gates),
        book_(gates->group_count(), plans_.size()),
        timeout_reasons_(gates->group_count()),
        local_times_(gates->group_count(),
                     {absl::InfinitePast(), std::string()}) {
    for (uint32_t b = 0; b < plans_.size(); ++b) {
      scrubbing_ |= ScrubsDuplicates(b);
    }
    if (options.resume != nullptr) {
      for (const ResumePoint::Callback& c : options.resume->callbacks) {
        if (Rule(c.batch - 1).mode != BatchRule::Mode::kSend) continue;
        book_.AddCallback(c.batch - 1, c.recipient_id,
                          {c.attempts, c.key_attempt}, c.due);
      }
    }
  }

  // Runs until every row is final, or to the first failure.
  absl::Status Run(Stopwatch::time_point start);

 private:
  const BatchRule& Rule(uint32_t batch_index) const {
    static const BatchRule kSendAll;
    return options_.batch_rules.empty() ? kSendAll
                                        : options_.batch_rules[batch_index];
  }
  bool ScrubsDuplicates(uint32_t batch_index) const {
    return broadcast_.scrub_duplicates || Rule(batch_index).scrub_duplicates;
  }
  // Reads every file once, classifying and committing the rows in
  // `selections` (one per batch), or every row when it is null.
  void Pass(const std::vector<RowSelection>* selections);
  // Ends each row of `chunk`, in order, or makes it wait for its window;
  // sends what is sendable now.
  void Commit(const ClassifiedChunk& chunk, bool first_pass);
  // Records a row whose `fate` is final (IsFinalFate) and counts it.
  // `callback`: the row's failed attempt, when it is a retry.
  void End(const ClassifiedChunk& chunk, const ClassifiedRow& row, RowFate fate,
           absl::Time now, const WaitingBook::Callback* callback,
           RunCounts* counts);
  // Appends the text of a row to send now, as the attempt after `callback`.
  void AddText(const ClassifiedChunk& chunk, const ClassifiedRow& row,
               absl::Time now, const WaitingBook::Callback* callback);
  TextKey KeyOf(const ClassifiedChunk& chunk, const ClassifiedRow& row) const {
    return {plans_[chunk.batch].id, row.recipient_id, row.line, row.number};
  }
  // Why the rows of `group` time out, made once per group.
  absl::string_view TimeoutReason(ZoneGroupId group);
  // Hands the texts of the chunk being committed to the transport.
  void Submit();
  // Records the transport's answers, waiting up to `wait` for one when none
  // is ready: a row is final, or in CALLBACK until its next attempt.
  void Collect(absl::Duration wait);
  void Record(const Delivery& delivery, absl::Time now, RowOutcome* outcome);
  void AddInvalidSample(uint32_t batch_index, uint64_t line,
                        absl::string_view reason);
  bool Retries(TextResult result) const;
  // The wall clock in the first zone of `group` at `now`, formatted once per
  // group and instant.
  absl::string_view LocalTime(ZoneGroupId group, absl::Time now);
  // Fails unless every contacts file is as it was when the run began: rows
  // waiting for a window are found again by their position.
  absl::Status CheckFilesUnchanged() const;
  void ReportProgress(absl::Time idle_until);
  // Warns, once per zone, that the recipients of `group` cannot be sent: the
  // rules of the broadcast leave their window shut until it ends.
  void WarnNeverOpens(ZoneGroupId group);
  // Stops the run, keeping what is not final for a later one, once the
  // caller asked for it.
  void CheckInterrupt();
  // Whether an earlier run settled the row (final, or waiting for its next
  // attempt): the first pass then leaves it alone.
  bool SettledEarlier(uint32_t batch_index, uint64_t recipient_id) const;
  // Texts sent so far in the run, over all batches and passes.
  uint64_t SentSoFar() const;
  void Fail(absl::Status status);

  const Broadcast& broadcast_;
  const RunOptions& options_;
  const std::vector<BatchPlan> plans_;
  const std::vector<FileVersion> versions_;
  const RecipientGates* gates_;
  Clock* clock_;
  Transport* transport_;
  OutcomeSink* outcomes_;
  RunReport* report_;
  const int workers_;

  std::atomic<bool> stop_{false};
  ChunkPipeline chunks_;

  // Committer-only state.
  absl::Status status_;
  NumberSet seen_;  // numbers already committed, for duplicate scrubbing
  bool scrubbing_ = false;  // whether any batch scrubs duplicates
  WindowTracker windows_;
  WaitingBook book_;
  uint64_t in_flight_ = 0;  // texts submitted and not yet answered
  std::vector<Delivery> deliveries_;
  std::vector<RowOutcome> delivery_outcomes_;
  std::vector<std::string> timeout_reasons_;  // by zone group, made on use
  absl::flat_hash_set<std::string> zones_never_open_;            // warned of
  std::vector<std::pair<absl::Time, std::string>> local_times_;  // by group
  uint64_t rows_committed_ = 0;
  double last_progress_ = 0;
  size_t warnings_reported_ = 0;
  Stopwatch::time_point start_;
  std::vector<OutboundText> texts_;
  std::vector<RowOutcome> row_outcomes_;
};

void Pipeline::Fail(absl::Status status) {
  if (status_.ok()) status_ = std::move(status);
  stop_ = true;
}

void Pipeline::Commit(const ClassifiedChunk& chunk, bool first_pass) {
  RunCounts& counts = report_->batches[chunk.batch].counts;
  rows_committed_ += chunk.rows.size();
  if (first_pass) counts.total += chunk.rows.size();
  if (stop_) return;  // the rows stay unfinished: counted remaining
  const absl::Time now = clock_->Now();
  texts_.clear();
  row_outcomes_.clear();
  // Each Insert below is a likely cache miss in a table of millions; asking
  // for the slot a few rows ahead overlaps the misses.
  constexpr size_t kPrefetchDistance = 8;
  // A row of a later pass was admitted by the first: it is no duplicate.
  // Every batch's numbers count for the scrubbing batches after it.
  const bool track = scrubbing_ && first_pass;
  const bool scrub = track && ScrubsDuplicates(chunk.batch);
  const bool hold = Rule(chunk.batch).mode == BatchRule::Mode::kHold;
  for (size_t i = 0; i < chunk.rows.size(); ++i) {
    const ClassifiedRow& row = chunk.rows[i];
    if (track && i + kPrefetchDistance < chunk.rows.size()) {
      seen_.Prefetch(chunk.rows[i + kPrefetchDistance].number);
    }
    if (first_pass && SettledEarlier(chunk.batch, row.recipient_id)) {
      ++report_->rows_settled_earlier;
      // Its number still counts for scrubbing the duplicates after it.
      if (track && row.verdict != RowVerdict::kInvalid) {
        seen_.Insert(row.number);
      }
      continue;
    }
    RowFacts facts;
    facts.verdict = row.verdict;
    facts.duplicate = track && row.verdict != RowVerdict::kInvalid &&
                      !seen_.Insert(row.number) && scrub;
    facts.batch_held = hold;
    facts.zone_sends = gates_->Sends(row.zone_group);
    RowFate fate =
        DecideRowFate(facts, [&] { return windows_.At(row.zone_group, now); });
    // Asked as the text would go: a number added since the run began.
    if (fate == RowFate::kSend && options_.send_block != nullptr &&
        options_.send_block->Blocks(row.number)) {
      fate = RowFate::kDnc;
    }
    // A row of a retry pass may be one whose last attempt failed.
    const WaitingBook::Callback* callback =
        first_pass ? nullptr
                   : book_.FindCallback(chunk.batch, row.recipient_id);
    if (IsFinalFate(fate)) {
      End(chunk, row, fate, now, callback, &counts);
    } else if (fate == RowFate::kSend) {
      AddText(chunk, row, now, callback);
    } else if (fate == RowFate::kWait) {
      // A retry keeps its callback until it goes.
      book_.Wait(row.zone_group, chunk.batch, row.recipient_id);
    } else {
      ++counts.disabled;  // until its batch is on again
    }
  }
  // Recorded before the texts go: once the store fails, nothing more is
  // handed over.
  if (outcomes_ != nullptr) {
    if (absl::Status s = outcomes_->Record(row_outcomes_); !s.ok()) {
      Fail(s);
      return;
    }
  }
  row_outcomes_.clear();
  Submit();
  if (outcomes_ != nullptr && !row_outcomes_.empty()) {
    // The texts the transport refused, SELECTED.
    if (absl::Status s = outcomes_->Record(row_outcomes_); !s.ok()) Fail(s);
  }
  Collect(absl::ZeroDuration());
}

void Pipeline::Submit() {
  // A chunk can hold a hundred thousand texts, and the transport takes them
  // as it has room: handed over whole, none of the answers that make room
  // would be recorded until the last was taken. In slices, with the answers
  // recorded between them, what the store has not recorded is at most the
  // transport's room (ChannelOptions::max_unanswered) and a slice, and a
  // failed store write stops the run within one slice.
  const absl::Span<const OutboundText> texts(texts_);
  for (size_t at = 0; at < texts.size() && !stop_; at += kSubmitSlice) {
    const absl::Span<const OutboundText> slice =
        texts.subspan(at, kSubmitSlice);
    if (absl::Status s = transport_->Submit(slice); !s.ok()) {
      // None of them was taken: they stay SELECTED, the run stops.
      for (const OutboundText& text : texts.subspan(at)) {
        RowOutcome& outcome = row_outcomes_.emplace_back();
        outcome.key() = text;
        outcome.at = clock_->Now();
        outcome.state = RecipientState::kSelected;
      }
      // Interrupted meanwhile (the hub stops waiting for room then): the
      // interrupt's way out, which gives the queue back.
      CheckInterrupt();
      Fail(s);
      return;
    }
    in_flight_ += slice.size();
    // Commit() collects after the last slice.
    if (at + kSubmitSlice < texts.size()) Collect(absl::ZeroDuration());
  }
}

bool Pipeline::Retries(TextResult result) const {
  const RetryConfig& retry = broadcast_.retry_config;
  const std::vector<TextResult>& results = retry.retry_results;
  if (results.empty()) {
    return result == TextResult::kCarrierTempError ||
           result == TextResult::kInternalError;
  }
  return std::find(results.begin(), results.end(), result) != results.end();
}

void Pipeline::AddInvalidSample(uint32_t batch_index, uint64_t line,
                                absl::string_view reason) {
  if (report_->invalid_samples.size() < kMaxInvalidSamples) {
    report_->invalid_samples.push_back(
        {plans_[batch_index].path, line, std::string(reason)});
  }
}

void Pipeline::Record(const Delivery& delivery, absl::Time now,
                      RowOutcome* outcome) {
  const uint32_t batch_index = delivery.batch - 1;
  RunCounts& counts = report_->batches[batch_index].counts;
  outcome->key() = delivery;
  outcome->attempt = delivery.attempt;
  outcome->answered = true;
  outcome->provider_id = delivery.provider_id;
  outcome->at = now;
  outcome->message = delivery.message;
  outcome->segments = delivery.segments;
  outcome->zone = delivery.zone_names;
  switch (delivery.status) {
    case DeliveryStatus::kSent:
      outcome->state = RecipientState::kFinished;
      outcome->result = TextResult::kSent;
      counts.AddFinal(TextCount::kSent, delivery.segments);
      return;
    case DeliveryStatus::kRejected:
      outcome->state = RecipientState::kInvalid;
      outcome->reason = delivery.detail;
      counts.AddFinal(TextCount::kInvalid, 0);
      AddInvalidSample(batch_index, delivery.line, delivery.detail);
      return;
    case DeliveryStatus::kBlocked:
      outcome->state = RecipientState::kDnc;
      outcome->result = TextResult::kDnt;
      counts.AddFinal(TextCount::kDnc, 0);
      return;
    case DeliveryStatus::kFailed:
    case DeliveryStatus::kNotSent:
      break;
  }
  outcome->result = delivery.result;
  outcome->reason = delivery.detail;
  const RetryConfig& retry = broadcast_.retry_config;
  if (delivery.attempt < retry.max_attempts && Retries(delivery.result)) {
    outcome->state = RecipientState::kCallback;
    const WaitingBook::Callback callback = {
        delivery.attempt,
        delivery.maybe_taken ? delivery.key_attempt : delivery.attempt + 1};
    outcome->key_attempt = callback.key_attempt;
    outcome->next_attempt = now + absl::Minutes(retry.minutes_between_attempts);
    book_.AddCallback(batch_index, delivery.recipient_id, callback,
                      outcome->next_attempt);
    return;
  }
  outcome->state = RecipientState::kFinished;
  counts.AddFinal(CountOf(outcome->state, outcome->result), 0);
}

void Pipeline::Collect(absl::Duration wait) {
  if (in_flight_ == 0) return;
  deliveries_.clear();
  if (absl::Status s = transport_->Collect(wait, &deliveries_); !s.ok()) {
    Fail(s);
  }
  if (deliveries_.empty()) return;
  in_flight_ -= deliveries_.size();
  const absl::Time now = clock_->Now();
  delivery_outcomes_.clear();
  for (const Delivery& delivery : deliveries_) {
    // A text the transport gave back unsent stays unfinished.
    if (delivery.status == DeliveryStatus::kNotSent) continue;
    Record(delivery, now, &delivery_outcomes_.emplace_back());
  }
  if (outcomes_ != nullptr) {
    if (absl::Status s = outcomes_->Record(delivery_outcomes_); !s.ok()) {
      Fail(s);
    }
  }
}

void Pipeline::End(const ClassifiedChunk& chunk, const ClassifiedRow& row,
                   RowFate fate, absl::Time now,
                   const WaitingBook::Callback* callback, RunCounts* counts) {
  RowOutcome& outcome = row_outcomes_.emplace_back();
  outcome.key() = KeyOf(chunk, row);
  outcome.at = now;
  if (row.verdict != RowVerdict::kInvalid) {
    outcome.zone = gates_->ZoneNames(row.zone_group);
  }
  switch (fate) {
    case RowFate::kInvalid:
      outcome.state = RecipientState::kInvalid;
      outcome.reason = chunk.TextOf(row);
      AddInvalidSample(chunk.batch, row.line, outcome.reason);
      break;
    case RowFate::kDup:
      outcome.state = RecipientState::kDup;
      break;
    case RowFate::kDnc:
      outcome.state = RecipientState::kDnc;
      outcome.result = TextResult::kDnt;
      if (callback != nullptr) {  // blocked before its next attempt
        outcome.attempt = callback->attempts;
        book_.EraseCallback(chunk.batch, row.recipient_id);
      }
      break;
    case RowFate::kTooBig:
      outcome.state = RecipientState::kFinished;
      outcome.result = TextResult::kTooBig;
      outcome.reason = chunk.TextOf(row);
      break;
    case RowFate::kSkipped:
      outcome.state = RecipientState::kSkipped;
      outcome.reason = kSkippedReason;
      break;
    case RowFate::kTimeout:
      outcome.state = RecipientState::kTimeout;
      outcome.reason = TimeoutReason(row.zone_group);
      if (callback != nullptr) {
        outcome.attempt = callback->attempts;
        book_.EraseCallback(chunk.batch, row.recipient_id);
      }
      break;
    case RowFate::kDisabled:
    case RowFate::kWait:
    case RowFate::kSend:
      break;  // not final: never ended here
  }
  counts->AddFinal(CountOf(outcome.state, outcome.result), 0);
}

void Pipeline::AddText(const ClassifiedChunk& chunk, const ClassifiedRow& row,
                       absl::Time now, const WaitingBook::Callback* callback) {
  const ZoneGroupId group = row.zone_group;
  OutboundText& text = texts_.emplace_back();
  text.key() = KeyOf(chunk, row);
  if (callback != nullptr) {
    text.attempt = callback->attempts + 1;
    text.key_attempt = callback->key_attempt;
    book_.EraseCallback(chunk.batch, row.recipient_id);
  }
  text.from = broadcast_.from_number;
  text.message = chunk.TextOf(row);
  text.encoding = row.encoding;
  text.segments = row.segments;
  text.zone_names = gates_->ZoneNames(group);
  if (!gates_->unrestricted()) text.local_time = LocalTime(group, now);
}

absl::string_view Pipeline::TimeoutReason(ZoneGroupId group) {
  std::string& reason = timeout_reasons_[group];
  if (reason.empty()) {
    reason = absl::StrCat("no send window in ", gates_->ZoneNames(group),
                          " before the broadcast ends");
    if (gates_->NeverOpens(group)) WarnNeverOpens(group);
  }
  return reason;
}

absl::string_view Pipeline::LocalTime(ZoneGroupId group, absl::Time now) {
  auto& [at, text] = local_times_[group];
  if (at != now) {
    at = now;
    text = absl::FormatCivilTime(
        absl::ToCivilSecond(now, gates_->Zones(group).front()));
  }
  return text;
}

absl::Status Pipeline::CheckFilesUnchanged() const {
  for (uint32_t b = 0; b < plans_.size(); ++b) {
    if (Rule(b).mode == BatchRule::Mode::kSkip) continue;
    absl::StatusOr<FileVersion> now = StatFileVersion(plans_[b].path);
    if (!now.ok()) return now.status();
    if (*now != versions_[b]) {
      const uint64_t rows = book_.RowsOfBatch(b);
      return absl::FailedPreconditionError(absl::StrCat(
          plans_[b].path, ": the file changed while ", rows,
          " of its rows waited for their send window or their next attempt; "
          "they are left unsent (run again with the file as it was)"));
    }
  }
  return absl::OkStatus();
}

bool Pipeline::SettledEarlier(uint32_t batch_index,
                              uint64_t recipient_id) const {
  if (options_.resume == nullptr) return false;
  const std::vector<ResumePoint::Batch>& batches = options_.resume->batches;
  return (batch_index < batches.size() &&
          batches[batch_index].IsFinal(recipient_id)) ||
         book_.FindCallback(batch_index, recipient_id) != nullptr;
}

void Pipeline::CheckInterrupt() {
  if (options_.interrupt != nullptr && options_.interrupt->load() &&
      status_.ok()) {
    Fail(absl::CancelledError(
        "interrupted: answers in flight were collected, the rest is left for "
        "a resumed run"));
    transport_->StopSending();
  }
}

uint64_t Pipeline::SentSoFar() const {
  uint64_t sent = 0;
  for (const BatchReport& batch : report_->batches) sent += batch.counts.sent;
  return sent;
}

void Pipeline::WarnNeverOpens(ZoneGroupId group) {
  if (gates_->NeverOpensAnywhere()) return;  // RunBroadcast said so
  const std::string& zones = gates_->ZoneNames(group);
  if (!zones_never_open_.insert(zones).second) return;
  report_->warnings.push_back(absl::StrCat(
      "no send window opens in ", zones,
      " before the broadcast ends (its local time restriction, schedules and "
      "calling hours never overlap there): its recipients end TIMEOUT"));
}

void Pipeline::ReportProgress(absl::Time idle_until) {
  if (!options_.on_progress) return;
  const double elapsed = SecondsSince(start_);
  // A new warning goes out at once: it may be a reason to stop the run.
  if (idle_until == absl::InfinitePast() &&
      report_->warnings.size() == warnings_reported_ &&
      elapsed - last_progress_ < options_.progress_interval_seconds) {
    return;
  }
  last_progress_ = elapsed;
  warnings_reported_ = report_->warnings.size();
  RunProgress progress;
  progress.rows = rows_committed_;
  progress.sent = SentSoFar();
  progress.waiting = book_.waiting_count();
  progress.callbacks = book_.callback_count();
  progress.in_flight = std::min(in_flight_, transport_->TextsWithProvider());
  progress.queued = in_flight_ - progress.in_flight;
  progress.idle_until = idle_until;
  progress.elapsed_seconds = elapsed;
  progress.first_pass = report_->passes.empty();
  // Groups differ by window as well as by zone: people think in zones.
  constexpr size_t kZonesShown = 3;
  std::map<absl::string_view, uint64_t> by_zone;
  for (ZoneGroupId group = 0; group < book_.zone_groups(); ++group) {
    if (book_.WaitingIn(group) > 0) {
      by_zone[gates_->ZoneNames(group)] += book_.WaitingIn(group);
    }
  }
  std::vector<std::pair<uint64_t, absl::string_view>> deferred;
  for (const auto& [zone, rows] : by_zone) deferred.emplace_back(rows, zone);
  const size_t shown = std::min(kZonesShown, deferred.size());
  std::partial_sort(deferred.begin(), deferred.begin() + shown, deferred.end(),
                    std::greater<>());
  for (size_t i = 0; i < shown; ++i) {
    progress.deferred_by_zone.emplace_back(std::string(deferred[i].second),
                                           deferred[i].first);
  }
  progress.warnings = report_->warnings;
  options_.on_progress(progress);
}

void Pipeline::Pass(const std::vector<RowSelection>* selections) {
  PassReport pass;
  pass.at = clock_->Now();
  const Stopwatch::time_point pass_start = Stopwatch::now();
  const uint64_t rows_before = rows_committed_;
  const uint64_t sent_before = SentSoFar();

  const bool first_pass = selections == nullptr;
  const absl::Status read = chunks_.Pass(
      selections,
      [&](const ClassifiedChunk& chunk) {
        // Per chunk: Ctrl-C is the brake for a wrong message, and the chunks
        // waiting to be committed can hold a hundred thousand texts.
        CheckInterrupt();
        Commit(chunk, first_pass);
      },
      [&] {
        Collect(absl::ZeroDuration());
        ReportProgress(absl::InfinitePast());
        CheckInterrupt();
      });
  if (!read.ok()) Fail(read);

  pass.rows = rows_committed_ - rows_before;
  pass.sent = SentSoFar() - sent_before;
  pass.waiting = book_.waiting_count();
  pass.seconds = SecondsSince(pass_start);
  report_->passes.push_back(pass);
}

absl::Status Pipeline::Run(Stopwatch::time_point start) {
  start_ = start;
  for (const BatchPlan& plan : plans_) {
    report_->batches.push_back({plan.id, plan.path, {}});
    if (options_.resume != nullptr &&
        plan.id <= options_.resume->batches.size()) {
      report_->batches.back().counts =
          options_.resume->batches[plan.id - 1].counts;
    }
  }
  Pass(nullptr);
  if (outcomes_ != nullptr && status_.ok()) {
    for (const BatchReport& batch : report_->batches) {
      if (Rule(batch.id - 1).mode == BatchRule::Mode::kSkip) continue;
      if (absl::Status s =
              outcomes_->RecordBatchSize(batch.id, batch.counts.total);
          !s.ok()) {
        Fail(s);
      }
    }
  }
  while (status_.ok() &&
         (book_.waiting_count() > 0 || book_.HasDueTimes() || in_flight_ > 0)) {
    const absl::Time now = clock_->Now();
    std::vector<RowSelection> selections(plans_.size());
    absl::Time next_open, next_due;
    const bool opened =
        book_.TakeOpenRows(now, windows_, &selections, &next_open);
    const bool retries = book_.TakeDueCallbacks(now, &selections, &next_due);
    if (retries || opened) {
      if (absl::Status s = CheckFilesUnchanged(); !s.ok()) {
        Fail(s);
        break;
      }
      // A retry's idempotency key follows from its row's CALLBACK outcome:
      // that must be durable before the retry leaves, or a crash could
      // send it again under another key.
      if (retries && outcomes_ != nullptr) {
        if (absl::Status s = outcomes_->Flush(); !s.ok()) {
          Fail(s);
          break;
        }
      }
      Pass(&selections);
    } else if (in_flight_ > 0) {
      Collect(kCollectWait);
      ReportProgress(absl::InfinitePast());
    } else {
      const absl::Time next = std::min(next_open, next_due);
      ReportProgress(next);
      clock_->SleepUntil(next, options_.interrupt);
    }
    CheckInterrupt();
  }
  // Stopping: what the transport still holds comes back first, each text
  // answered or given back unsent.
  while (in_flight_ > 0) Collect(kCollectWait);

  const std::vector<uint64_t> callbacks = book_.CallbacksByBatch();
  for (size_t b = 0; b < callbacks.size(); ++b) {
    report_->batches[b].counts.callbacks += callbacks[b];
  }
  if (absl::Status s = transport_->Finish(); !s.ok()) Fail(s);
  if (outcomes_ != nullptr) {
    if (absl::Status s = outcomes_->Finish(); !s.ok()) Fail(s);
  }
  return status_;
}

}  // namespace

absl::StatusOr<RunReport> RunBroadcast(const Broadcast& broadcast,
                                       const RunOptions& options,
                                       Transport* transport,
                                       OutcomeSink* outcomes) {
  const Stopwatch::time_point start = Stopwatch::now();
  if (options.contact_paths.empty()) {
    return absl::InvalidArgumentError("no contacts file given");
  }
  if (options.workers < 0 || options.workers > kMaxWorkers) {
    return absl::InvalidArgumentError(
        absl::StrCat("workers: ", options.workers, " is out of range (0 to ",
                     kMaxWorkers, "; 0 means one per core)"));
  }
  Clock* clock = options.clock != nullptr ? options.clock : RealClock();
  RunReport report;
  report.started_at = clock->Now();
  absl::StatusOr<RunPlan> plan = PlanRun(broadcast, options, &report);
  if (!plan.ok()) return plan.status();
  Pipeline pipeline(broadcast, options, std::move(plan->batches),
                    std::move(plan->versions), plan->dnc.get(), &*plan->gates,
                    clock, transport, outcomes, &report);
  report.status = pipeline.Run(start);
  for (BatchReport& batch : report.batches) {
    RunCounts& counts = batch.counts;
    counts.remaining = counts.total - counts.sent - counts.invalid -
                       counts.dup - counts.dnc - counts.too_big -
                       counts.errors - counts.skipped - counts.timeout;
    report.totals.Add(counts);
  }
  report.ended_at = clock->Now();
  report.elapsed_seconds = SecondsSince(start);
  return report;
}

}  // namespace herald
