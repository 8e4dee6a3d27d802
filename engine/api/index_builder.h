// Builds the query indexes of the stores of broadcasts that are done
// (SqliteStore::BuildQueryIndexes), one store at a time on a thread that
// lives only while there is one to build: an engine over many finished
// broadcasts keeps no thread for them, and a close stops a build at once.
#ifndef HERALD_ENGINE_API_INDEX_BUILDER_H_
#define HERALD_ENGINE_API_INDEX_BUILDER_H_

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

#include "engine/store/sqlite_store.h"

namespace herald {

class IndexBuilder {
 public:
  IndexBuilder() = default;
  IndexBuilder(const IndexBuilder&) = delete;
  IndexBuilder& operator=(const IndexBuilder&) = delete;
  ~IndexBuilder() { Stop(); }

  // Builds `store`'s indexes soon if it wants them (nothing otherwise, and
  // no thread starts); returns at once. `store` must live until Stop().
  void Add(SqliteStore* store);
  // Stops the build under way, forgets the rest and joins the thread; later
  // Add()s do nothing.
  void Stop();

 private:
  void Loop();

  std::mutex mu_;
  std::deque<SqliteStore*> queue_;  // each store once (mu_)
  bool running_ = false;            // thread_ is in Loop() (mu_)
  bool stopped_ = false;            // (mu_)
  std::atomic<bool> cancel_{false};
  std::thread thread_;  // (mu_)
};

}  // namespace herald

#endif  // HERALD_ENGINE_API_INDEX_BUILDER_H_
