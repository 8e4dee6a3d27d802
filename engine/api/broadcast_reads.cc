// The calls of BroadcastRegistry that read what the engine keeps and change
// nothing: a broadcast's store through its pool of readers (texts,
// statistics, pending events), the account's lists, the last run's report.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/api/broadcast_registry.h"
#include "engine/api/live_broadcast.h"
#include "engine/store/sqlite_store.h"
#include "engine/store/store_reader.h"

namespace herald {

absl::StatusOr<BroadcastRegistry::ReaderHandle> BroadcastRegistry::Reader(
    BroadcastId id) {
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  LiveBroadcast* b = *found;
  if (b->dir.empty()) {
    return absl::FailedPreconditionError(
        "the engine has no state directory: texts and statistics are not "
        "kept");
  }
  uint64_t generation = 0;
  {
    std::lock_guard lock(b->readers_mu);
    generation = b->readers_generation;
  }
  auto give_back = [b, generation](StoreReader* reader) {
    std::unique_ptr<StoreReader> owned(reader);
    std::lock_guard lock(b->readers_mu);
    if (b->readers_generation == generation &&
        b->idle_readers.size() < LiveBroadcast::kIdleReaders) {
      b->idle_readers.push_back(std::move(owned));
    }
  };
  {
    std::lock_guard lock(b->readers_mu);
    if (!b->idle_readers.empty() && b->readers_generation == generation) {
      ReaderHandle reader(b->idle_readers.back().release(), give_back);
      b->idle_readers.pop_back();
      return reader;
    }
  }
  absl::StatusOr<std::unique_ptr<StoreReader>> opened =
      StoreReader::Open(StorePath(b->dir));
  if (!opened.ok()) return opened.status();
  return ReaderHandle(opened->release(), give_back);
}

absl::StatusOr<uint64_t> BroadcastRegistry::PendingEvents(BroadcastId id) {
  absl::StatusOr<ReaderHandle> reader = Reader(id);
  if (!reader.ok()) return reader.status();
  return (*reader)->PendingEvents();
}

absl::StatusOr<StoreStats> BroadcastRegistry::Stats(BroadcastId id,
                                                    absl::Time begin,
                                                    absl::Time end) {
  absl::StatusOr<ReaderHandle> reader = Reader(id);
  if (!reader.ok()) return reader.status();
  return (*reader)->Stats(begin, end);
}

absl::StatusOr<TextPage> BroadcastRegistry::FindTexts(BroadcastId id,
                                                      const TextQuery& query) {
  absl::StatusOr<ReaderHandle> reader = Reader(id);
  if (!reader.ok()) return reader.status();
  if (query.ids.empty()) return (*reader)->FindTexts(query);
  if (query.ids.size() > kMaxTextPageLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most ", kMaxTextPageLimit, " text ids at once, got ",
                     query.ids.size()));
  }
  absl::StatusOr<std::vector<TextRecord>> texts =
      (*reader)->ReadTexts(query.ids);
  if (!texts.ok()) return texts.status();
  TextPage page;
  page.total_count = texts->size();
  page.limit = static_cast<int>(texts->size());
  page.items = *std::move(texts);
  return page;
}

absl::StatusOr<AccountDnc*> BroadcastRegistry::DoNotContacts(bool to_change) {
  if (dnc_ == nullptr) {
    return absl::FailedPreconditionError(
        "the do-not-contact list needs a state directory to be kept in");
  }
  if (to_change) {
    if (absl::Status s = Writable(); !s.ok()) return s;
  }
  return dnc_.get();
}

absl::StatusOr<ContactLists*> BroadcastRegistry::AccountContactLists() {
  if (!contact_lists_.has_value()) {
    return absl::FailedPreconditionError(
        "contact lists need a state directory to be kept in");
  }
  return &*contact_lists_;
}

absl::StatusOr<AutoReplies*> BroadcastRegistry::AccountAutoReplies() {
  if (!auto_replies_.has_value()) {
    return absl::FailedPreconditionError(
        "auto-replies need a state directory to be kept in");
  }
  return &*auto_replies_;
}

absl::StatusOr<std::optional<RunReport>> BroadcastRegistry::LastRunReport(
    BroadcastId id) {
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  std::lock_guard lock((*found)->progress_mu);
  return (*found)->report;
}

absl::StatusOr<std::string> BroadcastRegistry::LastRunReportJson(
    BroadcastId id) {
  absl::StatusOr<LiveBroadcast*> found = Find(id);
  if (!found.ok()) return found.status();
  std::lock_guard lock((*found)->progress_mu);
  return (*found)->report_json;
}

}  // namespace herald
