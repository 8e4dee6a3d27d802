// How a contact file's header maps onto a recipient.
#ifndef HERALD_ENGINE_INGEST_CONTACT_COLUMNS_H_
#define HERALD_ENGINE_INGEST_CONTACT_COLUMNS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace herald {

struct ContactColumns {
  std::vector<std::string> names;  // the header, in file order
  int phone = -1;                  // index of the number column
  int message = -1;                // index of the per-row message, or -1
};

// The phone column names looked for, in order of preference.
absl::Span<const absl::string_view> DefaultPhoneColumns();

// Maps `header`. The phone column is `phone_column` when given, otherwise
// the first of DefaultPhoneColumns() present; a column named "message"
// overrides the broadcast message for rows where it is not empty. Names
// match without regard to case. Every column, the phone column included,
// is an attribute for templates under its header name.
//
// Returns InvalidArgument when there is no phone column, naming what was
// looked for, or when a column name is empty or repeated.
absl::StatusOr<ContactColumns> MapContactColumns(
    std::vector<std::string> header, absl::string_view phone_column);

}  // namespace herald

#endif  // HERALD_ENGINE_INGEST_CONTACT_COLUMNS_H_
