#include "engine/message_template.h"

#include "absl/strings/str_cat.h"

namespace herald {

absl::StatusOr<MessageTemplate> MessageTemplate::Compile(
    absl::string_view text, absl::Span<const std::string> columns) {
  MessageTemplate compiled;
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find("${", i);
    if (open == absl::string_view::npos) break;
    const size_t close = text.find('}', open + 2);
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "placeholder at character ", open + 1, " has no closing '}'"));
    }
    const absl::string_view name = text.substr(open + 2, close - open - 2);
    if (name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("empty placeholder '${}' at character ", open + 1));
    }
    absl::StrAppend(&literal, text.substr(i, open - i));
    int column = kUnknownColumn;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (columns[c] == name) {
        column = static_cast<int>(c);
        break;
      }
    }
    compiled.pieces_.push_back({std::move(literal), column, std::string(name)});
    literal.clear();
    i = close + 1;
  }
  absl::StrAppend(&literal, text.substr(i));
  compiled.pieces_.push_back({std::move(literal), kNoColumn, ""});
  return compiled;
}

absl::Status MessageTemplate::Render(absl::Span<const absl::string_view> fields,
                                     std::string* out) const {
  for (const Piece& piece : pieces_) {
    out->append(piece.literal);
    if (piece.column == kNoColumn) continue;
    if (piece.column == kUnknownColumn ||
        static_cast<size_t>(piece.column) >= fields.size() ||
        fields[piece.column].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("missing attribute ${", piece.name, "}"));
    }
    const absl::string_view value = fields[piece.column];
    out->append(value.data(), value.size());
  }
  return absl::OkStatus();
}

std::vector<std::string> MessageTemplate::UnknownNames() const {
  std::vector<std::string> names;
  for (const Piece& piece : pieces_) {
    if (piece.column == kUnknownColumn) names.push_back(piece.name);
  }
  return names;
}

}  // namespace herald
