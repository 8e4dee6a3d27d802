// Recipients given in memory (Engine::AddBatch with BatchSource::Recipients)
// become a CSV file in the broadcast's folder, so that they are read, kept
// and resumed exactly like a batch from a file.
#ifndef HERALD_ENGINE_API_RECIPIENTS_CSV_H_
#define HERALD_ENGINE_API_RECIPIENTS_CSV_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "herald/engine.h"

namespace herald {

// Writes `recipients` to a new file at `path` (durably: synced before it
// returns): a header of `phone_column` then every attribute name in the
// order they first appear, and one row per recipient (empty fields for the
// attributes it lacks), quoted as RFC 4180 wants. InvalidArgument, writing
// nothing, when there is no recipient, a recipient has no number, or an
// attribute is named like the phone column or twice in one recipient; the
// error names the recipient (1-based) and the attribute.
absl::Status WriteRecipientsCsv(const std::string& path,
                                absl::string_view phone_column,
                                absl::Span<const Recipient> recipients);

}  // namespace herald

#endif  // HERALD_ENGINE_API_RECIPIENTS_CSV_H_
