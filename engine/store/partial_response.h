// CallFire's partial responses: the `fields` parameter that trims a JSON
// answer to what the caller asked for, e.g. "items(id,message),totalCount".
#ifndef HERALD_ENGINE_STORE_PARTIAL_RESPONSE_H_
#define HERALD_ENGINE_STORE_PARTIAL_RESPONSE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace herald {
namespace fields_internal {
struct Node;  // a selected member, defined in partial_response.cc
}  // namespace fields_internal

// A parsed `fields` selection. The syntax:
//   id,toNumber         members of the object
//   a/b/c               a member of a member
//   items(id,message)   the same as items/id,items/message; parentheses nest
//   !a,b(d)             everything except a and b's member d
//   !                   nothing: the empty object
// Selections go through arrays: "items(id)" keeps the id of every element of
// the array `items`. Spaces around names are ignored.
//
// Cheap to copy; immutable, so it can be shared between threads.
class FieldSelector {
 public:
  // The selection that keeps everything, the same as Parse("").
  FieldSelector();

  // Parses `fields`. Returns InvalidArgument naming the 1-based position for
  // an empty name, a parenthesis without its partner, a misplaced '!', or
  // parentheses nested more than 32 deep.
  static absl::StatusOr<FieldSelector> Parse(absl::string_view fields);

  // Returns `value` trimmed to the selection. Names the value does not have
  // are absent from the result, and so is a member whose sub-members were
  // selected when it is neither an object nor an array of them. A selection
  // that keeps nothing of a value that is not an object or an array returns
  // null; "!" returns the empty object whatever the value.
  nlohmann::json Apply(const nlohmann::json& value) const;

 private:
  using Node = fields_internal::Node;
  FieldSelector(std::shared_ptr<const Node> root, bool exclude);

  std::shared_ptr<const Node> root_;  // the selected tree
  bool exclude_ = false;              // root_ lists what to drop
};

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_PARTIAL_RESPONSE_H_
