// Do-not-contact lists: numbers that must never receive a text.
#ifndef HERALD_ENGINE_INGEST_DNC_LIST_H_
#define HERALD_ENGINE_INGEST_DNC_LIST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/ingest/number_set.h"
#include "herald/run_report.h"

namespace herald {

struct DncLoadOptions {
  // A do-not-contact list fails closed: a record that cannot be read might
  // be a number that must not be texted, so by default it stops the load.
  // True counts and samples such records instead and loads the rest.
  bool skip_unreadable = false;
};

// Adds the numbers of the DNC file at `path` to `set`. The file is either one
// number per line, in any form ParseNanpNumber accepts, or a CSV whose header
// names a number column (number, phoneNumber, toNumber, mobilePhone,
// homePhone or workPhone); its lines may end in LF, CRLF or CR alone, and it
// may be UTF-8 or UTF-16 with a byte order mark (CsvChunkReader). Every
// record whose number cannot be read is counted and sampled in `stats`;
// unless `options.skip_unreadable`, any such record then makes the load
// fail (InvalidArgument naming the file, the count and the first lines).
// Fails too when the file cannot be read or several columns come without a
// header naming the number column.
absl::Status LoadDncFile(const std::string& path, NumberSet* set,
                         DncLoadStats* stats,
                         const DncLoadOptions& options = {});

}  // namespace herald

#endif  // HERALD_ENGINE_INGEST_DNC_LIST_H_
