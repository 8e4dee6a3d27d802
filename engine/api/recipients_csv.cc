#include "engine/api/recipients_csv.h"

#include <map>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/file_io.h"

namespace herald {
namespace {

void AppendField(absl::string_view field, std::string* out) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out->append(field.data(), field.size());
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

absl::Status WriteRecipientsCsv(const std::string& path,
                                absl::string_view phone_column,
                                absl::Span<const Recipient> recipients) {
  if (recipients.empty()) {
    return absl::InvalidArgumentError("recipients: the batch has none");
  }
  // Columns by lower-cased name, as the contact file's header is matched.
  std::vector<std::string> names;
  std::map<std::string, size_t> column_of;
  for (size_t r = 0; r < recipients.size(); ++r) {
    const Recipient& recipient = recipients[r];
    if (absl::StripAsciiWhitespace(recipient.phone_number).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("recipients[", r + 1, "].phoneNumber: empty"));
    }
    std::map<std::string, bool> seen;
    for (const auto& [name, value] : recipient.attributes) {
      const std::string key = absl::AsciiStrToLower(name);
      if (name.empty() || absl::EqualsIgnoreCase(name, phone_column) ||
          seen[key]) {
        return absl::InvalidArgumentError(absl::StrCat(
            "recipients[", r + 1, "].attributes: \"", name,
            name.empty() ? "\" has no name"
                         : "\" is the phone column or given twice"));
      }
      seen[key] = true;
      if (column_of.emplace(key, names.size()).second) names.push_back(name);
    }
  }
  std::string text;
  AppendField(phone_column, &text);
  for (const std::string& name : names) {
    text.push_back(',');
    AppendField(name, &text);
  }
  text.append("\r\n");
  std::vector<const std::string*> row(names.size());
  for (const Recipient& recipient : recipients) {
    std::fill(row.begin(), row.end(), nullptr);
    for (const auto& [name, value] : recipient.attributes) {
      row[column_of.at(absl::AsciiStrToLower(name))] = &value;
    }
    AppendField(recipient.phone_number, &text);
    for (const std::string* value : row) {
      text.push_back(',');
      if (value != nullptr) AppendField(*value, &text);
    }
    text.append("\r\n");
  }
  absl::StatusOr<std::unique_ptr<OutputFile>> file = OutputFile::Create(path);
  if (!file.ok()) return file.status();
  if (absl::Status s = (*file)->Append(text); !s.ok()) return s;
  if (absl::Status s = (*file)->Close(); !s.ok()) return s;
  // The batch is recorded as this file: it must survive a crash with it.
  return SyncFile(path);
}

}  // namespace herald
