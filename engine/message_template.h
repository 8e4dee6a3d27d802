// Message templates: "Hello ${name}" filled from a recipient's attributes.
#ifndef HERALD_ENGINE_MESSAGE_TEMPLATE_H_
#define HERALD_ENGINE_MESSAGE_TEMPLATE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace herald {

// A template compiled once against a contact file's columns, so rendering a
// row is a run of appends with no parsing and no lookups by name.
class MessageTemplate {
 public:
  // Compiles `text`. `${name}` refers to the column called `name` in
  // `columns` (exact match). Returns InvalidArgument for a "${" without its
  // closing "}" or an empty name; a name that is not a column compiles, and
  // every row then lacks it.
  static absl::StatusOr<MessageTemplate> Compile(
      absl::string_view text, absl::Span<const std::string> columns);

  // Appends the message for a row whose fields are `fields` (in column
  // order) to `out`. A placeholder whose field is empty or absent makes the
  // row unrenderable: returns InvalidArgument naming the attribute, and what
  // was appended to `out` must be discarded.
  absl::Status Render(absl::Span<const absl::string_view> fields,
                      std::string* out) const;

  // Names used by placeholders that match no column, in order of use.
  std::vector<std::string> UnknownNames() const;

 private:
  struct Piece {
    std::string literal;  // text before the placeholder
    int column;           // -1: no placeholder (the trailing literal)
    std::string name;     // the placeholder's attribute name
  };
  static constexpr int kNoColumn = -1;
  static constexpr int kUnknownColumn = -2;

  std::vector<Piece> pieces_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_MESSAGE_TEMPLATE_H_
