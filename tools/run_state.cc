#include "tools/run_state.h"

#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/file_io.h"

namespace herald {
namespace {

absl::Status CreateStateDir(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat(
        dir, ": cannot create the state directory: ", error.message()));
  }
  return absl::OkStatus();
}

absl::Status RecordNewBroadcast(const RunFlags& flags,
                                const Broadcast& broadcast,
                                SqliteStore* store) {
  absl::StatusOr<std::string> definition = ReadFile(flags.campaign);
  if (!definition.ok()) return definition.status();
  std::vector<StoredBatch> batches;
  for (size_t i = 0; i < flags.contacts.size(); ++i) {
    absl::StatusOr<FileVersion> version = StatFileVersion(flags.contacts[i]);
    if (!version.ok()) return version.status();
    StoredBatch& batch = batches.emplace_back();
    batch.id = static_cast<uint32_t>(i + 1);
    batch.path = std::filesystem::absolute(flags.contacts[i]).string();
    batch.version = *version;
  }
  StoredBroadcast stored;
  stored.run_id = flags.run_id;
  stored.name = broadcast.name;
  stored.from_number = broadcast.from_number;
  stored.definition = *std::move(definition);
  stored.inputs = RunFlagsToJson(flags);
  stored.status = "RUNNING";
  stored.created = absl::Now();
  return store->WriteBroadcast(stored, batches);
}

// Checks that `flags` continue the broadcast the store holds.
absl::Status CheckSameBroadcast(const RunFlags& flags,
                                const StoredBroadcast& stored,
                                SqliteStore* store) {
  const std::string db = StorePath(flags.state);
  if (stored.run_id != flags.run_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        db, " holds broadcast \"", stored.name, "\" (run id ", stored.run_id,
        "); this command is another broadcast (run id ", flags.run_id,
        "): give it its own --state directory, or `herald resume --state ",
        flags.state, "` to continue the stored one"));
  }
  absl::StatusOr<std::vector<StoredBatch>> batches = store->ReadBatches();
  if (!batches.ok()) return batches.status();
  if (batches->size() != flags.contacts.size()) {
    return absl::FailedPreconditionError(
        absl::StrCat(db, " holds ", batches->size(), " batches, the command ",
                     flags.contacts.size(), " contacts files"));
  }
  for (size_t i = 0; i < batches->size(); ++i) {
    absl::StatusOr<FileVersion> now = StatFileVersion(flags.contacts[i]);
    if (!now.ok()) return now.status();
    if (*now != (*batches)[i].version) {
      return absl::FailedPreconditionError(absl::StrCat(
          flags.contacts[i],
          ": the file changed since the broadcast began (size or time); "
          "rows are found again by position, so herald cannot tell which "
          "were sent. Put the file back as it was, or start a new broadcast "
          "with another --state directory"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RunState> OpenRunState(const RunFlags& flags,
                                      const Broadcast& broadcast,
                                      SqliteStoreOptions options) {
  if (absl::Status s = CreateStateDir(flags.state); !s.ok()) return s;
  RunState state;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(StorePath(flags.state), std::move(options));
  if (!store.ok()) return store.status();
  state.store = *std::move(store);
  absl::StatusOr<std::optional<StoredBroadcast>> stored =
      state.store->ReadBroadcast();
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    if (absl::Status s =
            RecordNewBroadcast(flags, broadcast, state.store.get());
        !s.ok()) {
      return s;
    }
    return state;
  }
  if (absl::Status s = CheckSameBroadcast(flags, **stored, state.store.get());
      !s.ok()) {
    return s;
  }
  absl::StatusOr<ResumePoint> resume =
      state.store->ReadResumePoint(flags.contacts.size());
  if (!resume.ok()) return resume.status();
  state.resume = *std::move(resume);
  if (absl::Status s = state.store->SetStatus("RUNNING"); !s.ok()) return s;
  return state;
}

absl::StatusOr<RunFlags> ReadStoredRunFlags(const std::string& state_dir) {
  const std::string db = StorePath(state_dir);
  if (!std::filesystem::exists(db)) {
    return absl::NotFoundError(
        absl::StrCat(db, ": no herald store (run `herald run --state ",
                     state_dir, "` first)"));
  }
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(db);
  if (!store.ok()) return store.status();
  absl::StatusOr<std::optional<StoredBroadcast>> stored =
      (*store)->ReadBroadcast();
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(
        absl::StrCat(db, ": the store holds no broadcast yet"));
  }
  absl::StatusOr<RunFlags> flags = RunFlagsFromJson((*stored)->inputs);
  if (!flags.ok()) {
    return absl::DataLossError(
        absl::StrCat(db, ": ", flags.status().message()));
  }
  return flags;
}

}  // namespace herald
