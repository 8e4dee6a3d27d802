// One table of an enum's names, read both ways: every enum with names in the
// API, a file or the CLI (states, results, statuses, strategies, provider
// types) keeps them in a constexpr EnumNames, {name, value} a row, and reads
// them through the two functions below, so that a new value is one row.
#ifndef HERALD_ENGINE_BASE_ENUM_NAMES_H_
#define HERALD_ENGINE_BASE_ENUM_NAMES_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace herald {

template <typename T, size_t N>
using EnumNames = std::array<std::pair<absl::string_view, T>, N>;

// The name of `value`; `unknown` for a value the table lacks.
template <typename T, size_t N>
absl::string_view NameOf(const EnumNames<T, N>& table, T value,
                         absl::string_view unknown) {
  for (const auto& [name, known] : table) {
    if (known == value) return name;
  }
  return unknown;
}

// The value named `name` (exactly); nullopt when none is.
template <typename T, size_t N>
std::optional<T> ValueNamed(const EnumNames<T, N>& table,
                            absl::string_view name) {
  for (const auto& [known, value] : table) {
    if (known == name) return value;
  }
  return std::nullopt;
}

// The names, in the table's order, joined by ", ": for an error that says
// what would have been accepted.
template <typename T, size_t N>
std::string JoinedNames(const EnumNames<T, N>& table) {
  std::vector<absl::string_view> names;
  for (const auto& entry : table) names.push_back(entry.first);
  return absl::StrJoin(names, ", ");
}

}  // namespace herald

#endif  // HERALD_ENGINE_BASE_ENUM_NAMES_H_
