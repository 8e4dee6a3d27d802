// The placeholders of the `http` provider type's templates (HttpTemplate in
// engine/provider_config.h), cut out once so that rendering a request is a
// walk over literal text and known fields. The providers file's parser uses
// SplitTemplate to reject a bad template when the file is loaded; the http
// protocol uses it to render.
#ifndef HERALD_ENGINE_DISPATCH_HTTP_TEMPLATE_H_
#define HERALD_ENGINE_DISPATCH_HTTP_TEMPLATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace herald {

enum class TemplateField : uint8_t {
  kTo,        // ${to}: 11 digits
  kToE164,    // ${toE164}: "+1" and 10 digits
  kFrom,      // ${from}
  kMessage,   // ${message}
  kKey,       // ${key}: the idempotency key
  kSegments,  // ${segments}
  kEncoding,  // ${encoding}: "GSM-7" or "UCS-2"
  kPassword,  // ${password}: the provider's secret; in header values only
              // ("Authorization": "Bearer ${password}")
};

// The placeholder's name as a template spells it: "${toE164}".
absl::string_view TemplateFieldName(TemplateField field);

// A stretch of a template: `literal`, then the placeholder `field` when one
// follows it.
struct TemplatePart {
  std::string literal;
  std::optional<TemplateField> field;
};

// Cuts `text` into parts, in order (replacing `*parts`). A "${" with an
// unknown name or without its "}" returns InvalidArgument saying which and
// naming the known placeholders; the parts then keep that text as literal,
// so a template nobody checked still renders.
absl::Status SplitTemplate(absl::string_view text,
                           std::vector<TemplatePart>* parts);

}  // namespace herald

#endif  // HERALD_ENGINE_DISPATCH_HTTP_TEMPLATE_H_
