#include "engine/pipeline/broadcast_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <queue>
#include <semaphore>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "concurrentqueue/blockingconcurrentqueue.h"
#include "engine/base/file_io.h"
#include "engine/pipeline/recipient_gates.h"
#include "engine/pipeline/row_classifier.h"

namespace herald {
namespace {

constexpr size_t kMaxInvalidSamples = 100;
// Chunks between the reader and the committer: enough to keep every worker
// busy while the committer waits for the oldest one, few enough that memory
// does not grow with the input.
constexpr int kChunksInFlightPerWorker = 4;

struct WorkItem {
  uint64_t sequence = 0;
  uint32_t batch = 0;  // index into the plans
  size_t skip = 0;     // leading records that are the header
  uint64_t first_row = 0;
  const RowSelection* selection = nullptr;  // the rows to classify; null: all
  CsvChunk chunk;
};

// A waiting row: its batch index above kWaitingIdBits, its recipient id
// below. Eight bytes is all a row costs while it waits.
constexpr int kWaitingIdBits = 40;
constexpr uint64_t kWaitingIdMask = (uint64_t{1} << kWaitingIdBits) - 1;

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

// The threads of one run and what they share.
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
        dnc_(dnc),
        gates_(gates),
        clock_(clock),
        transport_(transport),
        outcomes_(outcomes),
        report_(report),
        workers_(options.workers > 0
                     ? options.workers
                     : std::max(1u, std::thread::hardware_concurrency())),
        slots_(workers_ * kChunksInFlightPerWorker),
        windows_(gates),
        waiting_(gates->group_count()),
        waiting_by_batch_(plans_.size()),
        timeout_reasons_(gates->group_count()),
        local_times_(gates->group_count(),
                     {absl::InfinitePast(), std::string()}) {
    for (uint32_t b = 0; b < plans_.size(); ++b) {
      scrubbing_ |= ScrubsDuplicates(b);
    }
    if (options.resume != nullptr) {
      for (const ResumePoint::Callback& c : options.resume->callbacks) {
        if (Rule(c.batch - 1).mode != BatchRule::Mode::kSend) continue;
        const uint64_t id =
            uint64_t{c.batch - 1} << kWaitingIdBits | c.recipient_id;
        callbacks_[id] = {c.attempts, c.key_attempt};
        due_callbacks_.emplace(c.due, id);
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
  void ReadAll(const std::vector<RowSelection>* selections);
  void Work();
  // Ends each row of `chunk`, in order, or makes it wait for its window;
  // sends what is sendable now.
  void Commit(const ClassifiedChunk& chunk, bool first_pass);
  // Ends a row ready to send according to its window at `now`: appends its
  // text, or ends it SKIPPED or TIMEOUT, or keeps it waiting. Only the last
  // two are final: for the others it drops the row's outcome, the last of
  // row_outcomes_. `retry_pass`: the row may be one whose attempt failed.
  void Dispatch(const ClassifiedChunk& chunk, const ClassifiedRow& row,
                absl::Time now, bool retry_pass, RunCounts* counts);
  // Hands the texts of the chunk being committed to the transport.
  void Submit();
  // Records the transport's answers, waiting up to `wait` for one when none
  // is ready: a row is final, or in CALLBACK until its next attempt.
  void Collect(absl::Duration wait);
  void Record(const Delivery& delivery, absl::Time now, RowOutcome* outcome);
  void AddInvalidSample(uint32_t batch_index, uint64_t line,
                        absl::string_view reason);
  // Moves the rows whose next attempt is due at `now` into `selections`;
  // returns false, with the next due time in `next_due`, when there are none.
  bool TakeDueCallbacks(absl::Time now, std::vector<RowSelection>* selections,
                        absl::Time* next_due);
  bool Retries(TextResult result) const;
  // The wall clock in the first zone of `group` at `now`, formatted once per
  // group and instant.
  absl::string_view LocalTime(ZoneGroupId group, absl::Time now);
  // Moves the waiting rows whose window is open or over at `now` into
  // `selections`; returns false, with the next opening in `next_open`, when
  // there are none.
  bool TakeDueRows(absl::Time now, std::vector<RowSelection>* selections,
                   absl::Time* next_open);
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
  const NumberSet* dnc_;
  const RecipientGates* gates_;
  Clock* clock_;
  Transport* transport_;
  OutcomeSink* outcomes_;
  RunReport* report_;
  const int workers_;

  moodycamel::BlockingConcurrentQueue<std::unique_ptr<WorkItem>> work_;
  moodycamel::BlockingConcurrentQueue<std::unique_ptr<ClassifiedChunk>> done_;
  std::counting_semaphore<> slots_;  // chunks allowed between reader and commit
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> chunks_read_{-1};  // set once the reader is finished
  absl::Status read_status_;  // written by the reader before chunks_read_

  // Committer-only state.
  absl::Status status_;
  NumberSet seen_;  // numbers already committed, for duplicate scrubbing
  bool scrubbing_ = false;  // whether any batch scrubs duplicates
  WindowTracker windows_;
  std::vector<std::vector<uint64_t>> waiting_;  // by zone group
  // Rows between attempts, by waiting id (see kWaitingIdBits), and when
  // their next attempt is due, earliest first.
  struct Callback {
    int attempts = 0;     // made so far
    int key_attempt = 0;  // the key the next attempt carries
  };
  absl::flat_hash_map<uint64_t, Callback> callbacks_;
  using DueCallback = std::pair<absl::Time, uint64_t>;
  std::priority_queue<DueCallback, std::vector<DueCallback>,
                      std::greater<DueCallback>>
      due_callbacks_;
  uint64_t in_flight_ = 0;  // texts submitted and not yet answered
  std::vector<Delivery> deliveries_;
  std::vector<RowOutcome> delivery_outcomes_;
  std::vector<uint64_t> waiting_by_batch_;
  uint64_t waiting_count_ = 0;
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

void Pipeline::ReadAll(const std::vector<RowSelection>* selections) {
  uint64_t sequence = 0;
  absl::Status status;
  for (uint32_t b = 0; b < plans_.size() && status.ok() && !stop_; ++b) {
    const RowSelection* selection =
        selections != nullptr ? &(*selections)[b] : nullptr;
    if (selection != nullptr && selection->empty()) continue;
    if (Rule(b).mode == BatchRule::Mode::kSkip) continue;
    absl::StatusOr<std::unique_ptr<CsvChunkReader>> reader =
        CsvChunkReader::Open(plans_[b].path, options_.csv);
    if (!reader.ok()) {
      status = reader.status();
      break;
    }
    uint64_t next_row = 1;
    size_t skip = 1;  // the header, first record of the first chunk
    while (!stop_) {
      auto item = std::make_unique<WorkItem>();
      absl::StatusOr<bool> more = (*reader)->Next(&item->chunk);
      if (!more.ok()) {
        status = more.status();
        break;
      }
      if (!*more) break;
      const size_t rows = item->chunk.records.size() - skip;
      item->skip = skip;
      skip = 0;
      if (rows == 0) continue;
      item->sequence = sequence++;
      item->batch = b;
      item->first_row = next_row;
      item->selection = selection;
      next_row += rows;
      slots_.acquire();
      work_.enqueue(std::move(item));
    }
  }
  read_status_ = status;
  chunks_read_.store(static_cast<int64_t>(sequence), std::memory_order_release);
  for (int i = 0; i < workers_; ++i) work_.enqueue(nullptr);
  done_.enqueue(nullptr);  // wakes the committer to see the end
}

void Pipeline::Work() {
  RowClassifier classifier(&broadcast_, dnc_, &gates_->zone_table());
  std::unique_ptr<WorkItem> item;
  for (;;) {
    work_.wait_dequeue(item);
    if (item == nullptr) return;
    auto out = std::make_unique<ClassifiedChunk>();
    out->sequence = item->sequence;
    out->batch = item->batch;
    out->text.reserve(item->chunk.bytes.size());
    if (!stop_) {
      classifier.Classify(plans_[item->batch], item->chunk, item->skip,
                          item->first_row, item->selection, out.get());
    } else {
      // Stopping: rows are only counted, so skip the work of classifying.
      const size_t rows = item->chunk.records.size() - item->skip;
      for (uint64_t id = item->first_row; id < item->first_row + rows; ++id) {
        if (item->selection == nullptr || item->selection->Contains(id)) {
          out->rows.emplace_back();
        }
      }
    }
    done_.enqueue(std::move(out));
  }
}

void Pipeline::Fail(absl::Status status) {
  if (status_.ok()) status_ = std::move(status);
  stop_ = true;
}

void Pipeline::Commit(const ClassifiedChunk& chunk, bool first_pass) {
  RunCounts& counts = report_->batches[chunk.batch].counts;
  rows_committed_ += chunk.rows.size();
  if (first_pass) counts.total += chunk.rows.size();
  if (stop_) return;  // the rows stay unfinished: counted remaining
  const BatchPlan& plan = plans_[chunk.batch];
  const absl::Time now = clock_->Now();
  texts_.clear();
  row_outcomes_.clear();
  auto invalid = [&](RowOutcome* outcome, const ClassifiedRow& row) {
    outcome->state = RecipientState::kInvalid;
    outcome->reason = chunk.TextOf(row);
    ++counts.invalid;
    AddInvalidSample(chunk.batch, row.line, outcome->reason);
  };
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
    RowOutcome& outcome = row_outcomes_.emplace_back();
    outcome.batch = plan.id;
    outcome.recipient_id = row.recipient_id;
    outcome.line = row.line;
    outcome.number = row.number;
    outcome.at = now;
    if (row.verdict != RowVerdict::kInvalid) {
      outcome.zone = gates_->ZoneNames(row.zone_group);
    }
    if (row.verdict == RowVerdict::kInvalid) {
      invalid(&outcome, row);
    } else if (track && !seen_.Insert(row.number) && scrub) {
      outcome.state = RecipientState::kDup;
      ++counts.dup;
    } else if (row.verdict == RowVerdict::kDnc) {
      outcome.state = RecipientState::kDnc;
      outcome.result = TextResult::kDnt;
      ++counts.dnc;
    } else if (row.verdict == RowVerdict::kUnrenderable) {
      invalid(&outcome, row);
    } else if (row.verdict == RowVerdict::kTooBig) {
      outcome.state = RecipientState::kFinished;
      outcome.result = TextResult::kTooBig;
      outcome.reason = chunk.TextOf(row);
      ++counts.too_big;
    } else if (hold) {
      row_outcomes_.pop_back();  // DISABLED until its batch is on again
      ++counts.disabled;
    } else {
      Dispatch(chunk, row, now, !first_pass, &counts);
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
  // transport's room (ChannelOptions::max_unanswered) and a slice,
  // and a failed store write stops the run within one slice.
  const absl::Span<const OutboundText> texts(texts_);
  for (size_t at = 0; at < texts.size() && !stop_; at += kSubmitSlice) {
    const absl::Span<const OutboundText> slice =
        texts.subspan(at, kSubmitSlice);
    if (absl::Status s = transport_->Submit(slice); !s.ok()) {
      // None of them was taken: they stay SELECTED, the run stops.
      for (const OutboundText& text : texts.subspan(at)) {
        RowOutcome& outcome = row_outcomes_.emplace_back();
        outcome.batch = text.batch;
        outcome.recipient_id = text.recipient_id;
        outcome.line = text.line;
        outcome.number = text.to;
        outcome.at = clock_->Now();
        outcome.state = RecipientState::kSelected;
      }
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
  outcome->batch = delivery.batch;
  outcome->recipient_id = delivery.recipient_id;
  outcome->line = delivery.line;
  outcome->number = delivery.to;
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
      ++counts.sent;
      counts.segments += delivery.segments;
      return;
    case DeliveryStatus::kRejected:
      outcome->state = RecipientState::kInvalid;
      outcome->reason = delivery.detail;
      ++counts.invalid;
      AddInvalidSample(batch_index, delivery.line, delivery.detail);
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
    const uint64_t id =
        uint64_t{batch_index} << kWaitingIdBits | delivery.recipient_id;
    const Callback callback = {delivery.attempt, delivery.maybe_taken
                                                     ? delivery.key_attempt
                                                     : delivery.attempt + 1};
    callbacks_[id] = callback;
    outcome->key_attempt = callback.key_attempt;
    outcome->next_attempt = now + absl::Minutes(retry.minutes_between_attempts);
    due_callbacks_.emplace(outcome->next_attempt, id);
    return;
  }
  outcome->state = RecipientState::kFinished;
  ++counts.errors;
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

void Pipeline::Dispatch(const ClassifiedChunk& chunk, const ClassifiedRow& row,
                        absl::Time now, bool retry_pass, RunCounts* counts) {
  RowOutcome& outcome = row_outcomes_.back();
  const ZoneGroupId group = row.zone_group;
  const uint64_t waiting_id =
      uint64_t{chunk.batch} << kWaitingIdBits | row.recipient_id;
  auto callback = retry_pass ? callbacks_.find(waiting_id) : callbacks_.end();
  if (!gates_->Sends(group)) {
    outcome.state = RecipientState::kSkipped;
    outcome.reason = kSkippedReason;
    ++counts->skipped;
    return;
  }
  switch (windows_.At(group, now)) {
    case WindowState::kOpen: {
      row_outcomes_.pop_back();  // the transport's answer will end it
      OutboundText& text = texts_.emplace_back();
      text.batch = plans_[chunk.batch].id;
      text.recipient_id = row.recipient_id;
      text.line = row.line;
      text.to = row.number;
      if (callback != callbacks_.end()) {
        text.attempt = callback->second.attempts + 1;
        text.key_attempt = callback->second.key_attempt;
        callbacks_.erase(callback);
      }
      text.from = broadcast_.from_number;
      text.message = chunk.TextOf(row);
      text.encoding = row.encoding;
      text.segments = row.segments;
      text.zone_names = gates_->ZoneNames(group);
      if (!gates_->unrestricted()) text.local_time = LocalTime(group, now);
      return;
    }
    case WindowState::kOver: {
      std::string& reason = timeout_reasons_[group];
      if (reason.empty()) {
        reason = absl::StrCat("no send window in ", gates_->ZoneNames(group),
                              " before the broadcast ends");
        if (gates_->NeverOpens(group)) WarnNeverOpens(group);
      }
      outcome.state = RecipientState::kTimeout;
      outcome.reason = reason;
      ++counts->timeout;
      if (callback != callbacks_.end()) {
        outcome.attempt = callback->second.attempts;
        callbacks_.erase(callback);
      }
      return;
    }
    case WindowState::kShut:  // a retry keeps its callback until it goes
      waiting_[group].push_back(waiting_id);
      ++waiting_by_batch_[chunk.batch];
      ++waiting_count_;
      row_outcomes_.pop_back();  // not final yet
      return;
  }
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

bool Pipeline::TakeDueCallbacks(absl::Time now,
                                std::vector<RowSelection>* selections,
                                absl::Time* next_due) {
  bool taken = false;
  while (!due_callbacks_.empty() && due_callbacks_.top().first <= now) {
    const uint64_t id = due_callbacks_.top().second;
    (*selections)[id >> kWaitingIdBits].Add(id & kWaitingIdMask);
    due_callbacks_.pop();
    taken = true;
  }
  *next_due = due_callbacks_.empty() ? absl::InfiniteFuture()
                                     : due_callbacks_.top().first;
  return taken;
}

bool Pipeline::TakeDueRows(absl::Time now,
                           std::vector<RowSelection>* selections,
                           absl::Time* next_open) {
  *next_open = absl::InfiniteFuture();
  bool taken = false;
  for (ZoneGroupId group = 0; group < waiting_.size(); ++group) {
    std::vector<uint64_t>& rows = waiting_[group];
    if (rows.empty()) continue;
    if (windows_.At(group, now) == WindowState::kShut) {
      *next_open = std::min(*next_open, windows_.NextChange(group));
      continue;
    }
    for (uint64_t entry : rows) {
      const uint64_t batch = entry >> kWaitingIdBits;
      (*selections)[batch].Add(entry & kWaitingIdMask);
      --waiting_by_batch_[batch];
    }
    waiting_count_ -= rows.size();
    std::vector<uint64_t>().swap(rows);  // give the memory back
    taken = true;
  }
  return taken;
}

absl::Status Pipeline::CheckFilesUnchanged() const {
  for (uint32_t b = 0; b < plans_.size(); ++b) {
    if (Rule(b).mode == BatchRule::Mode::kSkip) continue;
    absl::StatusOr<FileVersion> now = StatFileVersion(plans_[b].path);
    if (!now.ok()) return now.status();
    if (*now != versions_[b]) {
      uint64_t rows = waiting_by_batch_[b];
      for (const auto& [id, callback] : callbacks_) {
        rows += (id >> kWaitingIdBits) == b;
      }
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
         callbacks_.contains(uint64_t{batch_index} << kWaitingIdBits |
                             recipient_id);
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
  progress.waiting = waiting_count_;
  progress.callbacks = callbacks_.size();
  progress.in_flight = std::min(in_flight_, transport_->TextsWithProvider());
  progress.queued = in_flight_ - progress.in_flight;
  progress.idle_until = idle_until;
  progress.elapsed_seconds = elapsed;
  progress.first_pass = report_->passes.empty();
  // Groups differ by window as well as by zone: people think in zones.
  constexpr size_t kZonesShown = 3;
  std::map<absl::string_view, uint64_t> by_zone;
  for (ZoneGroupId group = 0; group < waiting_.size(); ++group) {
    if (!waiting_[group].empty()) {
      by_zone[gates_->ZoneNames(group)] += waiting_[group].size();
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

  chunks_read_.store(-1, std::memory_order_release);
  std::thread reader([this, selections] { ReadAll(selections); });
  std::vector<std::thread> workers;
  for (int i = 0; i < workers_; ++i) workers.emplace_back([this] { Work(); });

  std::map<uint64_t, std::unique_ptr<ClassifiedChunk>> waiting;
  uint64_t next = 0;
  for (;;) {
    const int64_t total = chunks_read_.load(std::memory_order_acquire);
    if (total >= 0 && next == static_cast<uint64_t>(total)) break;
    std::unique_ptr<ClassifiedChunk> chunk;
    if (done_.wait_dequeue_timed(chunk, std::chrono::milliseconds(100)) &&
        chunk != nullptr) {
      const uint64_t sequence = chunk->sequence;
      waiting.emplace(sequence, std::move(chunk));
    }
    for (auto it = waiting.find(next); it != waiting.end();
         it = waiting.find(next)) {
      // Per chunk: Ctrl-C is the brake for a wrong message, and the chunks
      // waiting here can hold a hundred thousand texts.
      CheckInterrupt();
      Commit(*it->second, selections == nullptr);
      waiting.erase(it);
      ++next;
      slots_.release();
    }
    Collect(absl::ZeroDuration());
    ReportProgress(absl::InfinitePast());
    CheckInterrupt();
  }
  reader.join();
  for (std::thread& worker : workers) worker.join();
  if (!read_status_.ok()) Fail(read_status_);

  pass.rows = rows_committed_ - rows_before;
  pass.sent = SentSoFar() - sent_before;
  pass.waiting = waiting_count_;
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
         (waiting_count_ > 0 || !due_callbacks_.empty() || in_flight_ > 0)) {
    const absl::Time now = clock_->Now();
    std::vector<RowSelection> selections(plans_.size());
    absl::Time next_open, next_due;
    const bool opened = TakeDueRows(now, &selections, &next_open);
    const bool retries = TakeDueCallbacks(now, &selections, &next_due);
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

  for (const auto& [id, callback] : callbacks_) {
    ++report_->batches[id >> kWaitingIdBits].counts.callbacks;
  }
  if (absl::Status s = transport_->Finish(); !s.ok()) Fail(s);
  if (outcomes_ != nullptr) {
    if (absl::Status s = outcomes_->Finish(); !s.ok()) Fail(s);
  }
  return status_;
}

}  // namespace

void RunCounts::Add(const RunCounts& other) {
  total += other.total;
  sent += other.sent;
  invalid += other.invalid;
  dup += other.dup;
  dnc += other.dnc;
  too_big += other.too_big;
  errors += other.errors;
  skipped += other.skipped;
  timeout += other.timeout;
  remaining += other.remaining;
  callbacks += other.callbacks;
  disabled += other.disabled;
  segments += other.segments;
}

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
  const ZoneTable& zones =
      options.zones != nullptr ? *options.zones : ZoneTable::BuiltIn();
  RunReport report;
  report.started_at = clock->Now();
  absl::StatusOr<RecipientGates> gates = RecipientGates::Build(
      broadcast, zones, report.started_at, options.deadline);
  if (!gates.ok()) return gates.status();
  if (!broadcast.schedules.empty() &&
      std::none_of(broadcast.schedules.begin(), broadcast.schedules.end(),
                   [](const Schedule& s) { return s.enabled; })) {
    report.warnings.push_back(
        "every schedule is off, so nothing will be sent: rows that could be "
        "sent end TIMEOUT");
  } else if (gates->NeverOpensAnywhere()) {
    report.warnings.push_back(
        "no send window opens in any zone before the broadcast ends (its "
        "local time restriction, schedules, calling hours and deadline never "
        "overlap), so nothing will be sent: rows that could be sent end "
        "TIMEOUT");
  }

  NumberSet dnc;
  for (const std::string& path : options.dnc_paths) {
    if (absl::Status s =
            LoadDncFile(path, &dnc, &report.dnc, {options.dnc_skip_unreadable});
        !s.ok()) {
      return s;
    }
  }
  std::vector<BatchPlan> plans;
  std::vector<FileVersion> versions;
  if (!options.batch_rules.empty() &&
      options.batch_rules.size() != options.contact_paths.size()) {
    return absl::InvalidArgumentError("one batch rule per contacts file");
  }
  for (size_t i = 0; i < options.contact_paths.size(); ++i) {
    if (!options.batch_rules.empty() &&
        options.batch_rules[i].mode == BatchRule::Mode::kSkip) {
      BatchPlan& unread = plans.emplace_back();
      unread.id = static_cast<uint32_t>(i + 1);
      unread.path = options.contact_paths[i];
      versions.emplace_back();
      continue;
    }
    absl::StatusOr<BatchPlan> plan =
        PlanBatch(static_cast<uint32_t>(i + 1), options.contact_paths[i],
                  broadcast, options, &report.warnings);
    if (!plan.ok()) return plan.status();
    absl::StatusOr<FileVersion> version =
        StatFileVersion(options.contact_paths[i]);
    if (!version.ok()) return version.status();
    plans.push_back(*std::move(plan));
    versions.push_back(*version);
  }

  Pipeline pipeline(broadcast, options, std::move(plans), std::move(versions),
                    &dnc, &*gates, clock, transport, outcomes, &report);
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
