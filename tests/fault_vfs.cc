#include "tests/fault_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <cstdlib>
#include <cstring>

namespace herald {
namespace {

// The store's writer thread writes while the test thread sets faults.
std::atomic<int64_t> write_budget{-1};  // negative: unlimited
std::atomic<bool> fail_syncs{false};
std::atomic<bool> fail_reads{false};
std::atomic<int64_t> write_failures{0};
std::atomic<int64_t> sync_failures{0};
std::atomic<int64_t> read_failures{0};

sqlite3_vfs* real_vfs = nullptr;

std::mutex hold_mu;
std::condition_variable hold_released;
std::string held_part;  // (hold_mu) empty: nothing held
std::atomic<int64_t> held_count{0};

// Our file, with the default VFS's file right behind it.
struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;
  const char* name;  // SQLite keeps it until the file is closed; may be null
};

// Waits while the writes of `file` are held.
void WaitIfHeld(sqlite3_file* file) {
  const char* name = reinterpret_cast<FaultFile*>(file)->name;
  if (name == nullptr) return;
  std::unique_lock lock(hold_mu);
  if (held_part.empty() || std::strstr(name, held_part.c_str()) == nullptr) {
    return;
  }
  ++held_count;
  hold_released.wait(lock, [] { return held_part.empty(); });
}

sqlite3_file* Real(sqlite3_file* file) {
  return reinterpret_cast<FaultFile*>(file)->real;
}

// Takes `bytes` from the budget; false once it is spent.
bool SpendWrite(int64_t bytes) {
  int64_t budget = write_budget.load();
  while (budget >= 0) {
    if (budget < bytes) {
      write_budget = 0;  // a write that did not fit: none fits after it
      return false;
    }
    if (write_budget.compare_exchange_weak(budget, budget - bytes)) break;
  }
  return true;
}

int Close(sqlite3_file* file) {
  sqlite3_file* real = Real(file);
  return real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
}
int Read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  if (fail_reads) {
    ++read_failures;
    return SQLITE_IOERR_READ;
  }
  return Real(file)->pMethods->xRead(Real(file), out, amount, offset);
}
int Write(sqlite3_file* file, const void* data, int amount,
          sqlite3_int64 offset) {
  WaitIfHeld(file);
  if (!SpendWrite(amount)) {
    ++write_failures;
    return SQLITE_FULL;
  }
  return Real(file)->pMethods->xWrite(Real(file), data, amount, offset);
}
int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  return Real(file)->pMethods->xTruncate(Real(file), size);
}
int Sync(sqlite3_file* file, int flags) {
  WaitIfHeld(file);
  if (fail_syncs) {
    ++sync_failures;
    return SQLITE_IOERR_FSYNC;
  }
  return Real(file)->pMethods->xSync(Real(file), flags);
}
int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  return Real(file)->pMethods->xFileSize(Real(file), size);
}
int Lock(sqlite3_file* file, int level) {
  return Real(file)->pMethods->xLock(Real(file), level);
}
int Unlock(sqlite3_file* file, int level) {
  return Real(file)->pMethods->xUnlock(Real(file), level);
}
int CheckReservedLock(sqlite3_file* file, int* out) {
  return Real(file)->pMethods->xCheckReservedLock(Real(file), out);
}
int FileControl(sqlite3_file* file, int op, void* arg) {
  return Real(file)->pMethods->xFileControl(Real(file), op, arg);
}
int SectorSize(sqlite3_file* file) {
  return Real(file)->pMethods->xSectorSize(Real(file));
}
int DeviceCharacteristics(sqlite3_file* file) {
  return Real(file)->pMethods->xDeviceCharacteristics(Real(file));
}
// WAL's shared memory is mapped, not written: it passes untouched.
int ShmMap(sqlite3_file* file, int page, int size, int extend,
           void volatile** out) {
  return Real(file)->pMethods->xShmMap(Real(file), page, size, extend, out);
}
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return Real(file)->pMethods->xShmLock(Real(file), offset, n, flags);
}
void ShmBarrier(sqlite3_file* file) {
  Real(file)->pMethods->xShmBarrier(Real(file));
}
int ShmUnmap(sqlite3_file* file, int delete_flag) {
  return Real(file)->pMethods->xShmUnmap(Real(file), delete_flag);
}
// No memory-mapped reads: every read goes through Read().
int Fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;
  return SQLITE_OK;
}
int Unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods kFileMethods = {
    3,
    Close,
    Read,
    Write,
    Truncate,
    Sync,
    FileSize,
    Lock,
    Unlock,
    CheckReservedLock,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    ShmMap,
    ShmLock,
    ShmBarrier,
    ShmUnmap,
    Fetch,
    Unfetch,
};

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags,
         int* out_flags) {
  FaultFile* ours = reinterpret_cast<FaultFile*>(file);
  ours->real = reinterpret_cast<sqlite3_file*>(ours + 1);
  ours->base.pMethods = nullptr;
  ours->name = name;
  const int rc = real_vfs->xOpen(real_vfs, name, ours->real, flags, out_flags);
  if (ours->real->pMethods != nullptr) ours->base.pMethods = &kFileMethods;
  return rc;
}

sqlite3_vfs MakeVfs() {
  real_vfs = sqlite3_vfs_find(nullptr);
  sqlite3_vfs vfs = *real_vfs;
  vfs.pNext = nullptr;
  vfs.zName = FaultVfs::kName;
  vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + real_vfs->szOsFile;
  vfs.xOpen = Open;
  return vfs;
}

}  // namespace

FaultVfs::FaultVfs() {
  static sqlite3_vfs vfs = MakeVfs();
  if (sqlite3_vfs_register(&vfs, /*makeDflt=*/0) != SQLITE_OK) std::abort();
}

FaultVfs& FaultVfs::Get() {
  static FaultVfs* const instance = new FaultVfs();
  return *instance;
}

void FaultVfs::FailWritesAfter(int64_t bytes) { write_budget = bytes; }
void FaultVfs::FailSyncs(bool fail) { fail_syncs = fail; }
void FaultVfs::FailReads(bool fail) { fail_reads = fail; }
void FaultVfs::Heal() {
  write_budget = -1;
  fail_syncs = false;
  fail_reads = false;
  ReleaseWrites();
}

int64_t FaultVfs::failed_writes() const { return write_failures; }
int64_t FaultVfs::failed_syncs() const { return sync_failures; }
int64_t FaultVfs::failed_reads() const { return read_failures; }
int64_t FaultVfs::held_writes() const { return held_count; }

void FaultVfs::HoldWrites(const char* part) {
  std::lock_guard lock(hold_mu);
  held_part = part;
}

void FaultVfs::ReleaseWrites() {
  {
    std::lock_guard lock(hold_mu);
    held_part.clear();
  }
  hold_released.notify_all();
}

}  // namespace herald
