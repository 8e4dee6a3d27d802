// Kannel smsbox's cgi-bin/sendsms, one text per request.
//
// The parameters go in a GET query. Kannel 1.4.5's smsbox answers a POST
// whose body is a form (application/x-www-form-urlencoded) with 400 "Invalid
// content-type": its POST takes the text as the body and the parameters as
// X-Kannel-* headers only. A GET is what every smsbox (and the mock) takes,
// so the query holds the password: the URL is never put in a detail.
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/utf8.h"
#include "engine/dispatch/provider_protocol_internal.h"
#include "engine/ingest/phone_number.h"

namespace herald::provider_internal {
namespace {

// Kannel takes a UCS-2 text as the bytes of UTF-16BE, which is UCS-2 plus
// surrogate pairs for characters beyond the Basic Multilingual Plane.
std::string Utf8ToUtf16Be(absl::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  const auto append_unit = [&out](uint32_t unit) {
    out.push_back(static_cast<char>(unit >> 8));
    out.push_back(static_cast<char>(unit & 0xFF));
  };
  const uint8_t* p = reinterpret_cast<const uint8_t*>(text.data());
  const uint8_t* const end = p + text.size();
  while (p < end) {
    const Utf8Char c = DecodeUtf8At(p, end);
    p += c.length;
    if (c.code_point < 0x10000) {
      append_unit(c.code_point);
    } else {
      const uint32_t v = c.code_point - 0x10000;
      append_unit(0xD800 | v >> 10);
      append_unit(0xDC00 | (v & 0x3FF));
    }
  }
  return out;
}

// Appends "name=value" to a URL whose query has begun.
void AppendParam(absl::string_view name, absl::string_view value,
                 std::string* url) {
  if (url->back() != '?' && url->back() != '&') url->push_back('&');
  url->append(name.data(), name.size());
  url->push_back('=');
  AppendPercentEncoded(value, url);
}

class KannelProtocol final : public ProtocolBase {
 public:
  explicit KannelProtocol(const ProviderConfig& config) : ProtocolBase(config) {
    url_prefix_ = config.url;
    if (!absl::StrContains(url_prefix_, '?')) url_prefix_.push_back('?');
    if (!config.username.empty()) {
      AppendParam("username", config.username, &url_prefix_);
      AppendParam("password", config.password, &url_prefix_);
    }
    if (!config.callback_url.empty()) {
      receipt_url_ =
          absl::StrCat(config.callback_url, "/callbacks/", config.name,
                       "/receipt?secret=", config.callback_secret);
    }
  }

  int max_batch() const override { return 1; }

  HttpRequest BuildRequest(
      absl::Span<const ProviderText* const> texts) const override {
    const ProviderText& text = *texts.front();
    HttpRequest request;
    request.method = "GET";
    request.timeout = config().timeout;
    std::string& url = request.url;
    url.reserve(url_prefix_.size() + 64 + text.from.size() +
                text.message.size() * 6);
    url.append(url_prefix_);
    // Without a sender Kannel uses its configured global sender.
    if (!text.from.empty()) AppendParam("from", text.from, &url);
    std::string to = "+";
    AppendE164Digits(text.to, &to);
    AppendParam("to", to, &url);
    if (text.encoding == SmsEncoding::kUcs2) {
      AppendParam("text", Utf8ToUtf16Be(text.message), &url);
      url.append("&coding=2&charset=UTF-16BE");
    } else {
      AppendParam("text", text.message, &url);
      url.append("&coding=0&charset=UTF-8");
    }
    if (!receipt_url_.empty() && text.broadcast != 0) {
      // Every receipt: delivered, not delivered, buffered, and the SMSC's
      // acceptance or refusal. The route rides in the URL, so a receipt
      // needs no lookup; Kannel fills in the %-placeholders (its DLR type,
      // the SMSC's message id, the time, the SMSC's receipt text). A text
      // bearerbox splits still has one receipt: bearerbox reports the
      // parts together, delivered only when every part was.
      url.append("&dlr-mask=31");
      AppendParam(
          "dlr-url",
          absl::StrCat(receipt_url_, "&b=", text.broadcast, "&t=", text.text_id,
                       "&a=", text.attempt, "&type=%d&id=%F&at=%T&reply=%A"),
          &url);
    }
    if (!text.idempotency_key.empty()) {
      request.headers.emplace_back("Idempotency-Key", text.idempotency_key);
    }
    return request;
  }

  absl::Status ReadResponse(const HttpResponse& response,
                            absl::Span<TextAnswer> answers) const override {
    absl::Status status;
    if (ReadCommonAnswer(response, answers, &status)) return status;
    if (response.status >= 200 && response.status <= 299) {
      // "0: Accepted for delivery", or "3: Queued for later delivery" when
      // no SMS centre is connected: bearerbox keeps it and sends it later.
      if (absl::StartsWith(response.body, "0:") ||
          absl::StartsWith(response.body, "3:")) {
        AnswerAll(VerdictAnswer(StatusVerdict::kSent, response), answers);
      } else {
        AnswerAll(Unreadable(response, "not Kannel's answer"), answers);
      }
    } else if (response.status >= 400 && response.status <= 499) {
      // Kannel's words say why: the number denied, the sender missing...
      AnswerAll(VerdictAnswer(StatusVerdict::kInvalid, response), answers);
    } else {
      AnswerAll(Unexpected(response), answers);
    }
    return absl::OkStatus();
  }

 private:
  std::string url_prefix_;  // the URL, its query begun, the credentials
  // herald's receipt endpoint with its secret; empty: no receipts asked for.
  std::string receipt_url_;
};

}  // namespace

std::unique_ptr<ProviderProtocol> MakeKannelProtocol(
    const ProviderConfig& config) {
  return std::make_unique<KannelProtocol>(config);
}

}  // namespace herald::provider_internal
