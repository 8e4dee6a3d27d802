// A SQLite VFS that fails on demand: the store seam of the fault tests.
//
// It passes every call to the default VFS until told to fail: writes once a
// byte budget is spent (SQLITE_FULL, what a full disk gives), every sync
// (SQLITE_IOERR_FSYNC), or every read (SQLITE_IOERR_READ). An Engine uses it
// through EngineOptions::sqlite_vfs, so the store under test is the real one
// on a real file, failing where the disk would.
#ifndef HERALD_TESTS_FAULT_VFS_H_
#define HERALD_TESTS_FAULT_VFS_H_

#include <cstdint>

namespace herald {

class FaultVfs {
 public:
  // The VFS registered as kName (not as the default), made on first use and
  // kept for the process.
  static FaultVfs& Get();
  static constexpr char kName[] = "herald-fault";

  // Writes of more than `bytes` in all from now on fail, and every write
  // after them; negative: no limit.
  void FailWritesAfter(int64_t bytes);
  void FailSyncs(bool fail);
  void FailReads(bool fail);
  // From now on, writes and syncs of the files whose path holds `part` wait
  // (the disk hangs) until ReleaseWrites().
  void HoldWrites(const char* part);
  void ReleaseWrites();
  // Every call succeeds again, and held writes go on.
  void Heal();

  // Calls failed so far, of each kind.
  int64_t failed_writes() const;
  int64_t failed_syncs() const;
  int64_t failed_reads() const;
  // Writes and syncs that waited, or wait now, for ReleaseWrites().
  int64_t held_writes() const;

 private:
  FaultVfs();
};

}  // namespace herald

#endif  // HERALD_TESTS_FAULT_VFS_H_
