#include "engine/ingest/contact_columns.h"

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace herald {
namespace {

constexpr std::array<absl::string_view, 4> kPhoneColumns = {
    "phoneNumber", "mobilePhone", "homePhone", "workPhone"};

int FindColumn(const std::vector<std::string>& names, absl::string_view name) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (absl::EqualsIgnoreCase(names[i], name)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

absl::Span<const absl::string_view> DefaultPhoneColumns() {
  return kPhoneColumns;
}

absl::StatusOr<ContactColumns> MapContactColumns(
    std::vector<std::string> header, absl::string_view phone_column) {
  for (size_t i = 0; i < header.size(); ++i) {
    // "name, phoneNumber": spreadsheets and hand-written headers leave
    // spaces around names, which no template means.
    header[i] = std::string(absl::StripAsciiWhitespace(header[i]));
    if (header[i].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("header column ", i + 1, " has no name"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (absl::EqualsIgnoreCase(header[i], header[j])) {
        return absl::InvalidArgumentError(
            absl::StrCat("header names column \"", header[i],
                         "\" twice (columns ", j + 1, " and ", i + 1, ")"));
      }
    }
  }
  ContactColumns columns;
  columns.names = std::move(header);
  if (!phone_column.empty()) {
    columns.phone = FindColumn(columns.names, phone_column);
    if (columns.phone < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no column \"", phone_column,
          "\" (the header has: ", absl::StrJoin(columns.names, ", "), ")"));
    }
  } else {
    for (absl::string_view name : kPhoneColumns) {
      columns.phone = FindColumn(columns.names, name);
      if (columns.phone >= 0) break;
    }
    if (columns.phone < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no phone column: looked for ", absl::StrJoin(kPhoneColumns, ", "),
          "; name one with --phone-column (the header has: ",
          absl::StrJoin(columns.names, ", "), ")"));
    }
  }
  columns.message = FindColumn(columns.names, "message");
  if (columns.message == columns.phone) columns.message = -1;
  return columns;
}

}  // namespace herald
