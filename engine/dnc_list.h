// Do-not-contact lists: numbers that must never receive a text.
#ifndef HERALD_ENGINE_DNC_LIST_H_
#define HERALD_ENGINE_DNC_LIST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/number_set.h"

namespace herald {

struct DncLoadStats {
  uint64_t lines = 0;     // records read, header excluded
  uint64_t entries = 0;   // distinct numbers added
  uint64_t rejected = 0;  // records whose number could not be read
  // "dnc.txt:12: wrong length: 9 digits", for the first rejected records.
  std::vector<std::string> rejected_samples;
};

// Adds the numbers of the DNC file at `path` to `set`. The file is either one
// number per line, in any form ParseNanpNumber accepts, or a CSV whose header
// names a number column (number, phoneNumber, toNumber, mobilePhone,
// homePhone or workPhone). A record whose number cannot be read is counted
// and sampled in `stats`, never silently dropped, and does not stop the load.
// Returns an error only when the file cannot be read or its header names no
// number column.
absl::Status LoadDncFile(const std::string& path, NumberSet* set,
                         DncLoadStats* stats);

}  // namespace herald

#endif  // HERALD_ENGINE_DNC_LIST_H_
