// One pass of a run over its contacts files: a reader thread cuts each file
// into chunks, worker threads classify them (RowClassifier), and the
// caller's thread gets them back in file order. At most `4 × workers`
// chunks are between the reader and the caller, so memory does not grow
// with the input.
#ifndef HERALD_ENGINE_PIPELINE_CHUNK_PIPELINE_H_
#define HERALD_ENGINE_PIPELINE_CHUNK_PIPELINE_H_

#include <atomic>
#include <functional>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "engine/broadcast/broadcast.h"
#include "engine/ingest/csv_reader.h"
#include "engine/ingest/number_set.h"
#include "engine/pipeline/row_classifier.h"
#include "timezone/zone_table.h"

namespace herald {

class ChunkPipeline {
 public:
  // Everything must outlive it. `reads(batch index)` says whether a batch
  // is read at all. Once `*stop` is true the reader stops reading and the
  // workers stop classifying: rows still come back, counted but empty.
  ChunkPipeline(const Broadcast* broadcast, const std::vector<BatchPlan>* plans,
                const NumberSet* dnc, const ZoneTable* zones,
                const CsvReaderOptions* csv, int workers,
                std::function<bool(uint32_t)> reads,
                const std::atomic<bool>* stop);

  // Reads the files once: the rows in `selections` (one per batch), or every
  // row when it is null. Calls `commit` with each chunk, in file order, and
  // `between` after each wait for one (at least every 100 ms while the
  // workers are busy). Returns the first error reading a file (the chunks
  // read before it were committed).
  absl::Status Pass(const std::vector<RowSelection>* selections,
                    absl::FunctionRef<void(const ClassifiedChunk&)> commit,
                    absl::FunctionRef<void()> between);

 private:
  const Broadcast* const broadcast_;
  const std::vector<BatchPlan>* const plans_;
  const NumberSet* const dnc_;
  const ZoneTable* const zones_;
  const CsvReaderOptions* const csv_;
  const int workers_;
  const std::function<bool(uint32_t)> reads_;
  const std::atomic<bool>* const stop_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_PIPELINE_CHUNK_PIPELINE_H_
