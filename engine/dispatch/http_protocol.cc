// The `http` type: one request per text from the templates of the providers
// file, and the answer read from its status alone.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/base/json_text.h"
#include "engine/dispatch/http_template.h"
#include "engine/dispatch/provider_protocol_internal.h"
#include "engine/ingest/phone_number.h"
#include "engine/message/sms_encoding.h"

namespace herald::provider_internal {
namespace {

constexpr int kMinStatus = 100;
constexpr int kMaxStatus = 599;

// How a placeholder's value is written where it lands.
enum class Escape { kPercent, kJson, kNone };

Escape BodyEscape(HttpTemplate::Escaping escaping) {
  switch (escaping) {
    case HttpTemplate::Escaping::kJson:
      return Escape::kJson;
    case HttpTemplate::Escaping::kForm:
      return Escape::kPercent;
    case HttpTemplate::Escaping::kNone:
      return Escape::kNone;
  }
  return Escape::kNone;
}

absl::string_view ContentTypeFor(HttpTemplate::Escaping escaping) {
  switch (escaping) {
    case HttpTemplate::Escaping::kJson:
      return "application/json";
    case HttpTemplate::Escaping::kForm:
      return "application/x-www-form-urlencoded";
    case HttpTemplate::Escaping::kNone:
      return "text/plain; charset=utf-8";
  }
  return "text/plain; charset=utf-8";
}

void AppendEscaped(absl::string_view value, Escape escape, std::string* out) {
  switch (escape) {
    case Escape::kPercent:
      AppendPercentEncoded(value, out);
      return;
    case Escape::kJson:
      AppendJsonEscaped(value, out);
      return;
    case Escape::kNone:
      out->append(value.data(), value.size());
      return;
  }
}

// `password` is the provider's secret for ${password}, which only header
// values may hold (the providers file refuses it elsewhere).
void AppendField(TemplateField field, const ProviderText& text,
                 absl::string_view password, Escape escape, std::string* out) {
  switch (field) {
    case TemplateField::kTo:
      AppendE164Digits(text.to, out);  // digits need no escaping
      return;
    case TemplateField::kToE164:
      // '+' is not safe in a URL or form as it is.
      out->append(escape == Escape::kPercent ? "%2B" : "+");
      AppendE164Digits(text.to, out);
      return;
    case TemplateField::kFrom:
      AppendEscaped(text.from, escape, out);
      return;
    case TemplateField::kMessage:
      AppendEscaped(text.message, escape, out);
      return;
    case TemplateField::kKey:
      AppendEscaped(text.idempotency_key, escape, out);
      return;
    case TemplateField::kSegments:
      absl::StrAppend(out, text.segments);
      return;
    case TemplateField::kEncoding:
      AppendEscaped(EncodingName(text.encoding), escape, out);
      return;
    case TemplateField::kPassword:
      out->append(password.data(), password.size());
      return;
  }
}

std::vector<TemplatePart> Split(absl::string_view text) {
  std::vector<TemplatePart> parts;
  // The providers file's parser has checked the template; one built by
  // hand renders an unknown placeholder as the text it is.
  SplitTemplate(text, &parts).IgnoreError();
  return parts;
}

void Render(const std::vector<TemplatePart>& parts, const ProviderText& text,
            absl::string_view password, Escape escape, std::string* out) {
  for (const TemplatePart& part : parts) {
    out->append(part.literal);
    if (part.field) AppendField(*part.field, text, password, escape, out);
  }
}

class HttpProtocol final : public ProtocolBase {
 public:
  explicit HttpProtocol(const ProviderConfig& config)
      : ProtocolBase(config),
        url_(Split(config.url)),
        body_(Split(config.http.body)),
        body_escape_(BodyEscape(config.http.body_escaping)),
        sends_body_(config.http.method != "GET" && !config.http.body.empty()) {
    for (const auto& [name, value] : config.http.headers) {
      headers_.emplace_back(name, Split(value));
      sets_idempotency_key_ |= absl::EqualsIgnoreCase(name, "Idempotency-Key");
      sets_content_type_ |= absl::EqualsIgnoreCase(name, "Content-Type");
    }
    FillVerdicts(config.http.status_results);
  }

  int max_batch() const override { return 1; }

  HttpRequest BuildRequest(
      absl::Span<const ProviderText* const> texts) const override {
    const ProviderText& text = *texts.front();
    const HttpTemplate& http = config().http;
    HttpRequest request;
    request.method = http.method;
    request.username = config().username;
    request.password = config().password;
    request.timeout = config().timeout;
    Render(url_, text, "", Escape::kPercent, &request.url);
    for (const auto& [name, value] : headers_) {
      std::string rendered;
      Render(value, text, config().password, Escape::kNone, &rendered);
      request.headers.emplace_back(name, std::move(rendered));
    }
    if (!sets_idempotency_key_ && !text.idempotency_key.empty()) {
      request.headers.emplace_back("Idempotency-Key", text.idempotency_key);
    }
    if (sends_body_) {
      if (!sets_content_type_) {
        request.headers.emplace_back(
            "Content-Type", std::string(ContentTypeFor(http.body_escaping)));
      }
      request.body.reserve(http.body.size() + text.message.size() * 2);
      Render(body_, text, "", body_escape_, &request.body);
    }
    return request;
  }

  absl::Status ReadResponse(const HttpResponse& response,
                            absl::Span<TextAnswer> answers) const override {
    const int code = response.status;
    if (response.transport.ok() && code >= kMinStatus && code <= kMaxStatus) {
      if (const std::optional<StatusVerdict>& verdict =
              verdicts_[code - kMinStatus]) {
        AnswerAll(VerdictAnswer(*verdict, response), answers);
        return absl::OkStatus();
      }
    }
    absl::Status status;
    if (ReadCommonAnswer(response, answers, &status)) return status;
    if (code >= 200 && code <= 299) {
      AnswerAll(VerdictAnswer(StatusVerdict::kSent, response), answers);
    } else if (code >= 400 && code <= 499) {
      AnswerAll(VerdictAnswer(StatusVerdict::kInvalid, response), answers);
    } else {
      AnswerAll(Unexpected(response), answers);
    }
    return absl::OkStatus();
  }

 private:
  // One slot per status: the exact key's verdict, else its class key's. A
  // class key leaves 401, 403 and 429 to the common reading (credentials
  // refused, throttled), since "4xx": "INVALID" must not turn a wrong
  // password into a run of INVALID texts; only an exact key changes them.
  void FillVerdicts(
      const std::vector<std::pair<std::string, StatusVerdict>>& results) {
    for (const auto& [key, verdict] : results) {
      if (key.size() != 3 || key[1] != 'x' || key[2] != 'x') continue;
      const int first = (key[0] - '0') * 100;
      for (int code = first; code < first + 100; ++code) {
        if (code == 401 || code == 403 || code == 429) continue;
        if (code >= kMinStatus && code <= kMaxStatus) {
          verdicts_[code - kMinStatus] = verdict;
        }
      }
    }
    for (const auto& [key, verdict] : results) {
      int code = 0;
      if (key.size() != 3 || !absl::SimpleAtoi(key, &code)) continue;
      if (code >= kMinStatus && code <= kMaxStatus) {
        verdicts_[code - kMinStatus] = verdict;
      }
    }
  }

  const std::vector<TemplatePart> url_;
  const std::vector<TemplatePart> body_;
  std::vector<std::pair<std::string, std::vector<TemplatePart>>> headers_;
  const Escape body_escape_;
  const bool sends_body_;
  bool sets_idempotency_key_ = false;
  bool sets_content_type_ = false;
  std::array<std::optional<StatusVerdict>, kMaxStatus - kMinStatus + 1>
      verdicts_;
};

}  // namespace

std::unique_ptr<ProviderProtocol> MakeHttpProtocol(
    const ProviderConfig& config) {
  return std::make_unique<HttpProtocol>(config);
}

}  // namespace herald::provider_internal
