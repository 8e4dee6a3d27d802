#include "engine/message/message_template.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace herald {
namespace {

constexpr absl::string_view kContactPrefix = "contact.";

// The column `name` refers to: an exact match, else the one column equal
// without regard to case, else -1.
int FindColumn(absl::string_view name, absl::Span<const std::string> columns) {
  int folded = -1;
  int folded_matches = 0;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c] == name) return static_cast<int>(c);
    if (absl::EqualsIgnoreCase(columns[c], name)) {
      folded = static_cast<int>(c);
      ++folded_matches;
    }
  }
  return folded_matches == 1 ? folded : -1;
}

int ResolveColumn(absl::string_view name,
                  absl::Span<const std::string> columns) {
  const int column = FindColumn(name, columns);
  if (column >= 0 || !absl::StartsWith(name, kContactPrefix)) return column;
  return FindColumn(name.substr(kContactPrefix.size()), columns);
}

}  // namespace

absl::StatusOr<MessageTemplate> MessageTemplate::Compile(
    absl::string_view text, absl::Span<const std::string> columns,
    const TemplateOptions& options) {
  MessageTemplate compiled;
  compiled.missing_ = options.missing;
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\\' && text.substr(i, 3) == "\\${") {  // an escaped "${"
      literal.append("${");
      i += 3;
      continue;
    }
    if (options.brace_placeholders && text.substr(i, 2) == "{{") {
      literal.push_back('{');
      i += 2;
      continue;
    }
    size_t name_begin;
    if (c == '$' && text.substr(i, 2) == "${") {
      name_begin = i + 2;
    } else if (c == '{' && options.brace_placeholders) {
      name_begin = i + 1;
    } else {
      literal.push_back(c);
      ++i;
      continue;
    }
    const size_t close = text.find('}', name_begin);
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "placeholder at character ", i + 1, " has no closing '}'"));
    }
    const absl::string_view name = text.substr(name_begin, close - name_begin);
    if (name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("empty placeholder at character ", i + 1));
    }
    const int column = ResolveColumn(name, columns);
    compiled.pieces_.push_back(
        {std::move(literal), column >= 0 ? column : kUnknownColumn,
         std::string(name), std::string(text.substr(i, close + 1 - i))});
    literal.clear();
    i = close + 1;
  }
  compiled.pieces_.push_back({std::move(literal), kNoColumn, "", ""});
  for (const Piece& piece : compiled.pieces_) {
    compiled.fixed_bytes_ += piece.literal.size() + piece.source.size();
    compiled.placeholders_ += piece.column != kNoColumn;
  }
  return compiled;
}

absl::Status MessageTemplate::Render(absl::Span<const absl::string_view> fields,
                                     std::string* out) const {
  return RenderPieces<false>(fields, out, 0);
}

absl::Status MessageTemplate::RenderAtMost(
    absl::Span<const absl::string_view> fields, std::string* out,
    size_t max_bytes) const {
  return RenderPieces<true>(fields, out, out->size() + max_bytes);
}

// The bound is a template argument so that the common, unbounded render
// pays nothing for it.
template <bool kBounded>
absl::Status MessageTemplate::RenderPieces(
    absl::Span<const absl::string_view> fields, std::string* out,
    size_t limit) const {
  for (const Piece& piece : pieces_) {
    out->append(piece.literal);
    if (piece.column == kNoColumn) continue;
    if (piece.column != kUnknownColumn &&
        static_cast<size_t>(piece.column) < fields.size() &&
        !fields[piece.column].empty()) {
      const absl::string_view value = fields[piece.column];
      out->append(value.data(), value.size());
      // Only cells make a text long; the literals are the template's.
      if (kBounded && out->size() > limit) return absl::OkStatus();
      continue;
    }
    switch (missing_) {
      case MissingAttributePolicy::kSkip:
        return absl::InvalidArgumentError(
            absl::StrCat("missing attribute ", piece.source));
      case MissingAttributePolicy::kEmpty:
        break;
      case MissingAttributePolicy::kKeep:
        out->append(piece.source);
        break;
    }
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
