#include "engine/pipeline/chunk_pipeline.h"

#include <chrono>
#include <map>
#include <memory>
#include <semaphore>
#include <thread>
#include <utility>

#include "concurrentqueue/blockingconcurrentqueue.h"

namespace herald {
namespace {

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

}  // namespace

ChunkPipeline::ChunkPipeline(const Broadcast* broadcast,
                             const std::vector<BatchPlan>* plans,
                             const NumberSet* dnc, const ZoneTable* zones,
                             const CsvReaderOptions* csv, int workers,
                             std::function<bool(uint32_t)> reads,
                             const std::atomic<bool>* stop)
    : broadcast_(broadcast),
      plans_(plans),
      dnc_(dnc),
      zones_(zones),
      csv_(csv),
      workers_(workers),
      reads_(std::move(reads)),
      stop_(stop) {}

absl::Status ChunkPipeline::Pass(
    const std::vector<RowSelection>* selections,
    absl::FunctionRef<void(const ClassifiedChunk&)> commit,
    absl::FunctionRef<void()> between) {
  moodycamel::BlockingConcurrentQueue<std::unique_ptr<WorkItem>> work;
  moodycamel::BlockingConcurrentQueue<std::unique_ptr<ClassifiedChunk>> done;
  std::counting_semaphore<> slots(workers_ * kChunksInFlightPerWorker);
  std::atomic<int64_t> chunks_read{-1};  // set once the reader is finished
  absl::Status read_status;  // written by the reader before chunks_read

  std::thread reader([&] {
    uint64_t sequence = 0;
    absl::Status status;
    for (uint32_t b = 0; b < plans_->size() && status.ok() && !*stop_; ++b) {
      const RowSelection* selection =
          selections != nullptr ? &(*selections)[b] : nullptr;
      if (selection != nullptr && selection->empty()) continue;
      if (!reads_(b)) continue;
      absl::StatusOr<std::unique_ptr<CsvChunkReader>> file =
          CsvChunkReader::Open((*plans_)[b].path, *csv_);
      if (!file.ok()) {
        status = file.status();
        break;
      }
      uint64_t next_row = 1;
      size_t skip = 1;  // the header, first record of the first chunk
      while (!*stop_) {
        auto item = std::make_unique<WorkItem>();
        absl::StatusOr<bool> more = (*file)->Next(&item->chunk);
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
        slots.acquire();
        work.enqueue(std::move(item));
      }
    }
    read_status = status;
    chunks_read.store(static_cast<int64_t>(sequence),
                      std::memory_order_release);
    for (int i = 0; i < workers_; ++i) work.enqueue(nullptr);
    done.enqueue(nullptr);  // wakes the committer to see the end
  });

  std::vector<std::thread> workers;
  for (int i = 0; i < workers_; ++i) {
    workers.emplace_back([&] {
      RowClassifier classifier(broadcast_, dnc_, zones_);
      std::unique_ptr<WorkItem> item;
      for (;;) {
        work.wait_dequeue(item);
        if (item == nullptr) return;
        auto out = std::make_unique<ClassifiedChunk>();
        out->sequence = item->sequence;
        out->batch = item->batch;
        out->text.reserve(item->chunk.bytes.size());
        if (!*stop_) {
          classifier.Classify((*plans_)[item->batch], item->chunk, item->skip,
                              item->first_row, item->selection, out.get());
        } else {
          // Stopping: rows are only counted, so skip classifying them.
          const size_t rows = item->chunk.records.size() - item->skip;
          for (uint64_t id = item->first_row; id < item->first_row + rows;
               ++id) {
            if (item->selection == nullptr || item->selection->Contains(id)) {
              out->rows.emplace_back();
            }
          }
        }
        done.enqueue(std::move(out));
      }
    });
  }

  // The workers finish out of order; chunks wait here for their turn.
  std::map<uint64_t, std::unique_ptr<ClassifiedChunk>> early;
  uint64_t next = 0;
  for (;;) {
    const int64_t total = chunks_read.load(std::memory_order_acquire);
    if (total >= 0 && next == static_cast<uint64_t>(total)) break;
    std::unique_ptr<ClassifiedChunk> chunk;
    if (done.wait_dequeue_timed(chunk, std::chrono::milliseconds(100)) &&
        chunk != nullptr) {
      const uint64_t sequence = chunk->sequence;
      early.emplace(sequence, std::move(chunk));
    }
    for (auto it = early.find(next); it != early.end(); it = early.find(next)) {
      commit(*it->second);
      early.erase(it);
      ++next;
      slots.release();
    }
    between();
  }
  reader.join();
  for (std::thread& worker : workers) worker.join();
  return read_status;
}

}  // namespace herald
