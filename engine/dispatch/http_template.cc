#include "engine/dispatch/http_template.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace herald {
namespace {

constexpr std::array<std::pair<absl::string_view, TemplateField>, 8> kFields = {
    {
        {"${to}", TemplateField::kTo},
        {"${toE164}", TemplateField::kToE164},
        {"${from}", TemplateField::kFrom},
        {"${message}", TemplateField::kMessage},
        {"${key}", TemplateField::kKey},
        {"${segments}", TemplateField::kSegments},
        {"${encoding}", TemplateField::kEncoding},
        {"${password}", TemplateField::kPassword},
    }};

std::string KnownFields() {
  std::vector<absl::string_view> names;
  for (const auto& [name, field] : kFields) names.push_back(name);
  return absl::StrJoin(names, ", ");
}

}  // namespace

absl::string_view TemplateFieldName(TemplateField field) {
  for (const auto& [name, known] : kFields) {
    if (known == field) return name;
  }
  return "${?}";
}

absl::Status SplitTemplate(absl::string_view text,
                           std::vector<TemplatePart>* parts) {
  parts->clear();
  parts->emplace_back();
  absl::Status status;
  while (!text.empty()) {
    const size_t open = text.find("${");
    if (open == absl::string_view::npos) break;
    absl::StrAppend(&parts->back().literal, text.substr(0, open));
    text.remove_prefix(open);
    const size_t close = text.find('}');
    if (close == absl::string_view::npos) {
      if (status.ok()) {
        status = absl::InvalidArgumentError(absl::StrCat(
            "\"${\" without its \"}\" (placeholders: ", KnownFields(), ")"));
      }
      break;
    }
    const absl::string_view placeholder = text.substr(0, close + 1);
    text.remove_prefix(close + 1);
    bool known = false;
    for (const auto& [name, field] : kFields) {
      if (name == placeholder) {
        parts->back().field = field;
        parts->emplace_back();
        known = true;
        break;
      }
    }
    if (!known) {
      absl::StrAppend(&parts->back().literal, placeholder);
      if (status.ok()) {
        status = absl::InvalidArgumentError(
            absl::StrCat("unknown placeholder ", placeholder,
                         " (known: ", KnownFields(), ")"));
      }
    }
  }
  absl::StrAppend(&parts->back().literal, text);
  return status;
}

}  // namespace herald
