#include "engine/broadcast_run.h"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <semaphore>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "concurrentqueue/blockingconcurrentqueue.h"
#include "engine/row_classifier.h"

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
  CsvChunk chunk;
};

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
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
    return header_error(DescribeDefect(header.defect));
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
           std::vector<BatchPlan> plans, const NumberSet* dnc,
           Transport* transport, OutcomeSink* outcomes, RunReport* report)
      : broadcast_(broadcast),
        options_(options),
        plans_(std::move(plans)),
        dnc_(dnc),
        transport_(transport),
        outcomes_(outcomes),
        report_(report),
        workers_(options.workers > 0
                     ? options.workers
                     : std::max(1u, std::thread::hardware_concurrency())),
        slots_(workers_ * kChunksInFlightPerWorker) {}

  // Runs to the end of the input or the first transport failure.
  absl::Status Run(Clock::time_point start);

 private:
  void ReadAll();
  void Work();
  // Ends each row of `chunk`, in order; sends what is sendable.
  void Commit(const ClassifiedChunk& chunk);
  void CountRemaining(const ClassifiedChunk& chunk);
  void Fail(absl::Status status);

  const Broadcast& broadcast_;
  const RunOptions& options_;
  const std::vector<BatchPlan> plans_;
  const NumberSet* dnc_;
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
  std::vector<OutboundText> texts_;
  std::vector<size_t> text_rows_;  // outcome index of each text
  std::vector<TextResult> results_;
  std::vector<RowOutcome> row_outcomes_;
};

void Pipeline::ReadAll() {
  uint64_t sequence = 0;
  absl::Status status;
  for (uint32_t b = 0; b < plans_.size() && status.ok() && !stop_; ++b) {
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
  RowClassifier classifier(&broadcast_, dnc_);
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
                          item->first_row, out.get());
    } else {
      // Stopping: rows are only counted, so skip the work of classifying.
      for (size_t k = item->skip; k < item->chunk.records.size(); ++k) {
        out->rows.emplace_back();
      }
    }
    done_.enqueue(std::move(out));
  }
}

void Pipeline::Fail(absl::Status status) {
  if (status_.ok()) status_ = std::move(status);
  stop_ = true;
}

void Pipeline::CountRemaining(const ClassifiedChunk& chunk) {
  RunCounts& counts = report_->batches[chunk.batch].counts;
  counts.total += chunk.rows.size();
  counts.remaining += chunk.rows.size();
}

void Pipeline::Commit(const ClassifiedChunk& chunk) {
  if (stop_) {
    CountRemaining(chunk);
    return;
  }
  const BatchPlan& plan = plans_[chunk.batch];
  RunCounts& counts = report_->batches[chunk.batch].counts;
  texts_.clear();
  text_rows_.clear();
  row_outcomes_.clear();
  auto invalid = [&](RowOutcome* outcome, const ClassifiedRow& row) {
    outcome->state = RecipientState::kInvalid;
    outcome->reason = chunk.TextOf(row);
    ++counts.invalid;
    if (report_->invalid_samples.size() < kMaxInvalidSamples) {
      report_->invalid_samples.push_back(
          {plan.path, row.line, std::string(outcome->reason)});
    }
  };
  // Each Insert below is a likely cache miss in a table of millions; asking
  // for the slot a few rows ahead overlaps the misses.
  constexpr size_t kPrefetchDistance = 8;
  const bool scrub = broadcast_.scrub_duplicates;
  for (size_t i = 0; i < chunk.rows.size(); ++i) {
    const ClassifiedRow& row = chunk.rows[i];
    if (scrub && i + kPrefetchDistance < chunk.rows.size()) {
      seen_.Prefetch(chunk.rows[i + kPrefetchDistance].number);
    }
    ++counts.total;
    RowOutcome& outcome = row_outcomes_.emplace_back();
    outcome.batch = plan.id;
    outcome.recipient_id = row.recipient_id;
    outcome.line = row.line;
    outcome.number = row.number;
    if (row.verdict == RowVerdict::kInvalid) {
      invalid(&outcome, row);
    } else if (scrub && !seen_.Insert(row.number)) {
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
    } else {
      outcome.state = RecipientState::kSelected;
      text_rows_.push_back(row_outcomes_.size() - 1);
      texts_.push_back({plan.id, row.recipient_id, row.number,
                        broadcast_.from_number, chunk.TextOf(row), 1,
                        row.encoding, row.segments});
    }
  }

  results_.assign(texts_.size(), TextResult::kUndialed);
  if (absl::Status s = transport_->Send(texts_, absl::MakeSpan(results_));
      !s.ok()) {
    // Nothing of this call is known to be sent: those rows stay SELECTED.
    counts.remaining += texts_.size();
    Fail(s);
  } else {
    for (size_t i = 0; i < texts_.size(); ++i) {
      RowOutcome& outcome = row_outcomes_[text_rows_[i]];
      outcome.state = RecipientState::kFinished;
      outcome.result = results_[i];
      if (results_[i] == TextResult::kSent) {
        ++counts.sent;
        counts.segments += texts_[i].segments;
      } else {
        ++counts.errors;
      }
    }
  }
  if (outcomes_ != nullptr) {
    if (absl::Status s = outcomes_->Record(row_outcomes_); !s.ok()) Fail(s);
  }
}

absl::Status Pipeline::Run(Clock::time_point start) {
  for (const BatchPlan& plan : plans_) {
    report_->batches.push_back({plan.id, plan.path, {}});
  }
  std::thread reader([this] { ReadAll(); });
  std::vector<std::thread> workers;
  for (int i = 0; i < workers_; ++i) workers.emplace_back([this] { Work(); });

  std::map<uint64_t, std::unique_ptr<ClassifiedChunk>> waiting;
  uint64_t next = 0;
  uint64_t rows = 0;
  double last_progress = 0;
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
      Commit(*it->second);
      rows += it->second->rows.size();
      waiting.erase(it);
      ++next;
      slots_.release();
    }
    if (options_.on_progress) {
      const double elapsed = SecondsSince(start);
      if (elapsed - last_progress >= options_.progress_interval_seconds) {
        last_progress = elapsed;
        uint64_t sent = 0;
        for (const BatchReport& batch : report_->batches) {
          sent += batch.counts.sent;
        }
        options_.on_progress({rows, sent, elapsed});
      }
    }
  }
  reader.join();
  for (std::thread& worker : workers) worker.join();

  if (!read_status_.ok()) Fail(read_status_);
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
  remaining += other.remaining;
  segments += other.segments;
}

absl::StatusOr<RunReport> RunBroadcast(const Broadcast& broadcast,
                                       const RunOptions& options,
                                       Transport* transport,
                                       OutcomeSink* outcomes) {
  const Clock::time_point start = Clock::now();
  if (options.contact_paths.empty()) {
    return absl::InvalidArgumentError("no contacts file given");
  }
  RunReport report;
  NumberSet dnc;
  for (const std::string& path : options.dnc_paths) {
    if (absl::Status s = LoadDncFile(path, &dnc, &report.dnc); !s.ok()) {
      return s;
    }
  }
  std::vector<BatchPlan> plans;
  for (size_t i = 0; i < options.contact_paths.size(); ++i) {
    absl::StatusOr<BatchPlan> plan =
        PlanBatch(static_cast<uint32_t>(i + 1), options.contact_paths[i],
                  broadcast, options, &report.warnings);
    if (!plan.ok()) return plan.status();
    plans.push_back(*std::move(plan));
  }

  Pipeline pipeline(broadcast, options, std::move(plans), &dnc, transport,
                    outcomes, &report);
  report.status = pipeline.Run(start);
  for (const BatchReport& batch : report.batches) {
    report.totals.Add(batch.counts);
  }
  report.elapsed_seconds = SecondsSince(start);
  return report;
}

}  // namespace herald
