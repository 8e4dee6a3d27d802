// Message templates: "Hello ${name}" filled from a recipient's attributes.
#ifndef HERALD_ENGINE_MESSAGE_MESSAGE_TEMPLATE_H_
#define HERALD_ENGINE_MESSAGE_MESSAGE_TEMPLATE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace herald {

// What a placeholder whose attribute is empty or absent becomes.
enum class MissingAttributePolicy {
  kSkip,   // nothing is sent: the recipient ends INVALID with the reason
  kEmpty,  // the placeholder becomes the empty string
  kKeep,   // the placeholder stays as written
};

struct TemplateOptions {
  // Also treat "{name}" as a placeholder, as the CallFire broadcast examples
  // write it; "{{" is then a literal "{".
  bool brace_placeholders = false;
  MissingAttributePolicy missing = MissingAttributePolicy::kSkip;
};

// A template compiled once against a contact file's columns, so rendering a
// row is a run of appends with no parsing and no lookups by name.
//
// Syntax: "${name}" is the value of column `name`; "${contact.name}" (the
// seeds' contact fields) is column `name` too unless a column is literally
// called "contact.name". Names match columns exactly, or else without regard
// to case when that picks one column. "\\${" is a literal "${" ("$${x}" is
// a dollar sign and then x's value, as in "balance: $${amount}").
class MessageTemplate {
 public:
  // Compiles `text`. Returns InvalidArgument for a placeholder without its
  // closing "}" or with an empty name. A name that matches no column
  // compiles, and every row then lacks it.
  static absl::StatusOr<MessageTemplate> Compile(
      absl::string_view text, absl::Span<const std::string> columns,
      const TemplateOptions& options = {});

  // Appends the message for a row whose fields are `fields` (in column
  // order) to `out`. A placeholder whose field is empty or absent follows
  // the missing-attribute policy; under kSkip this returns InvalidArgument
  // naming the attribute, and what was appended to `out` must be discarded.
  absl::Status Render(absl::Span<const absl::string_view> fields,
                      std::string* out) const;

  // Render(), stopping once it has appended more than `max_bytes`: a text
  // that long cannot be sent anyway, and 10,000 placeholders of long cells
  // must not render hundreds of megabytes for one row.
  absl::Status RenderAtMost(absl::Span<const absl::string_view> fields,
                            std::string* out, size_t max_bytes) const;

  // The most Render() can append when no cell is longer than `longest_cell`
  // bytes, in O(1): whether RenderAtMost is needed.
  size_t MaxRenderedBytes(size_t longest_cell) const {
    return fixed_bytes_ + placeholders_ * longest_cell;
  }

  // Names used by placeholders that match no column, in order of use.
  std::vector<std::string> UnknownNames() const;

 private:
  struct Piece {
    std::string literal;  // text before the placeholder
    int column;           // kNoColumn: no placeholder (the trailing literal)
    std::string name;     // the placeholder's attribute name
    std::string source;   // the placeholder as written, for kKeep
  };
  static constexpr int kNoColumn = -1;
  static constexpr int kUnknownColumn = -2;

  template <bool kBounded>
  absl::Status RenderPieces(absl::Span<const absl::string_view> fields,
                            std::string* out, size_t limit) const;

  std::vector<Piece> pieces_;
  MissingAttributePolicy missing_ = MissingAttributePolicy::kSkip;
  size_t fixed_bytes_ = 0;  // the literals, and each placeholder's source
  size_t placeholders_ = 0;
};

}  // namespace herald

#endif  // HERALD_ENGINE_MESSAGE_MESSAGE_TEMPLATE_H_
