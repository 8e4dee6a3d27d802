#include "engine/dispatch/http_template.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/enum_names.h"

namespace herald {
namespace {

constexpr EnumNames<TemplateField, 8> kFields = {{
    {"${to}", TemplateField::kTo},
    {"${toE164}", TemplateField::kToE164},
    {"${from}", TemplateField::kFrom},
    {"${message}", TemplateField::kMessage},
    {"${key}", TemplateField::kKey},
    {"${segments}", TemplateField::kSegments},
    {"${encoding}", TemplateField::kEncoding},
    {"${password}", TemplateField::kPassword},
}};

}  // namespace

absl::string_view TemplateFieldName(TemplateField field) {
  return NameOf(kFields, field, "${?}");
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
            "\"${\" without its \"}\" (placeholders: ", JoinedNames(kFields),
            ")"));
      }
      break;
    }
    const absl::string_view placeholder = text.substr(0, close + 1);
    text.remove_prefix(close + 1);
    const std::optional<TemplateField> field = ValueNamed(kFields, placeholder);
    if (field.has_value()) {
      parts->back().field = *field;
      parts->emplace_back();
    } else {
      absl::StrAppend(&parts->back().literal, placeholder);
      if (status.ok()) {
        status = absl::InvalidArgumentError(
            absl::StrCat("unknown placeholder ", placeholder,
                         " (known: ", JoinedNames(kFields), ")"));
      }
    }
  }
  absl::StrAppend(&parts->back().literal, text);
  return status;
}

}  // namespace herald
