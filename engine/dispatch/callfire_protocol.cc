// CallFire's POST /texts: a JSON array of TextRecipient objects per request,
// answered with {"items":[...]}, one Text per recipient in order.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/base/json_text.h"
#include "engine/dispatch/provider_protocol_internal.h"
#include "engine/ingest/phone_number.h"
#include "nlohmann/json.hpp"

namespace herald::provider_internal {
namespace {

using nlohmann::json;

// A TextRecipient's fixed bytes, beyond the message, sender and key.
constexpr size_t kRecipientOverhead = 96;

// The string member `key` of `object`, or "" when it is absent or not a
// string.
absl::string_view StringMember(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  return it->get_ref<const std::string&>();
}

class CallFireProtocol final : public ProtocolBase {
 public:
  explicit CallFireProtocol(const ProviderConfig& config)
      : ProtocolBase(config) {
    url_ = absl::StrCat(absl::StripSuffix(config.url, "/"), "/texts");
    if (!config.campaign_id.empty()) {
      url_.append("?campaignId=");
      AppendPercentEncoded(config.campaign_id, &url_);
    }
  }

  int max_batch() const override { return config().batch_size; }

  HttpRequest BuildRequest(
      absl::Span<const ProviderText* const> texts) const override {
    HttpRequest request;
    request.method = "POST";
    request.url = url_;
    request.headers.emplace_back("Content-Type", "application/json");
    request.username = config().username;
    request.password = config().password;
    request.timeout = config().timeout;
    size_t size = 2;
    for (const ProviderText* text : texts) {
      size += kRecipientOverhead + text->message.size() + text->from.size() +
              text->idempotency_key.size();
    }
    std::string& body = request.body;
    body.reserve(size);
    body.push_back('[');
    for (const ProviderText* text : texts) {
      if (body.size() > 1) body.push_back(',');
      body.append("{\"phoneNumber\":\"");
      AppendE164Digits(text->to, &body);
      body.append("\",\"message\":");
      AppendJsonString(text->message, &body);
      // Without a sender CallFire uses its default, the short code 67076.
      if (!text->from.empty()) {
        body.append(",\"fromNumber\":");
        AppendJsonString(text->from, &body);
      }
      if (!text->idempotency_key.empty()) {
        body.append(",\"attributes\":{\"idempotencyKey\":");
        AppendJsonString(text->idempotency_key, &body);
        body.push_back('}');
      }
      body.push_back('}');
    }
    body.push_back(']');
    return request;
  }

  absl::Status ReadResponse(const HttpResponse& response,
                            absl::Span<TextAnswer> answers) const override {
    absl::Status status;
    if (ReadCommonAnswer(response, answers, &status)) return status;
    if (response.status >= 200 && response.status <= 299) {
      ReadItems(response, answers);
    } else if (response.status == 400) {
      // CallFire refuses the whole request. With one text it must be that
      // text; in a batch, nothing says which, and none was sent.
      if (answers.size() == 1) {
        AnswerAll(VerdictAnswer(StatusVerdict::kInvalid, response), answers);
      } else {
        AnswerAll(VerdictAnswer(StatusVerdict::kInternalError, response),
                  answers);
      }
    } else {
      AnswerAll(Unexpected(response), answers);
    }
    return absl::OkStatus();
  }

 private:
  void ReadItems(const HttpResponse& response,
                 absl::Span<TextAnswer> answers) const {
    const json doc = json::parse(response.body, /*cb=*/nullptr,
                                 /*allow_exceptions=*/false);
    const json* items = nullptr;
    if (doc.is_object()) {
      const auto it = doc.find("items");
      if (it != doc.end() && it->is_array()) items = &*it;
    }
    if (items == nullptr) {
      AnswerAll(Unreadable(response, "no items"), answers);
      return;
    }
    if (items->size() != answers.size()) {
      AnswerAll(Unreadable(response, absl::StrCat(items->size(), " items for ",
                                                  answers.size(), " texts")),
                answers);
      return;
    }
    for (size_t i = 0; i < answers.size(); ++i) {
      ReadItem(response, (*items)[i], &answers[i]);
    }
  }

  // One Text. CallFire queues texts, so a fresh one is usually READY; a
  // FINISHED one carries its finalTextResult.
  void ReadItem(const HttpResponse& response, const json& item,
                TextAnswer* answer) const {
    const absl::string_view state =
        item.is_object() ? StringMember(item, "state") : "";
    if (state.empty()) {
      *answer = Unreadable(response, "an item without a state");
      return;
    }
    *answer = TextAnswer();
    if (const auto id = item.find("id"); id != item.end()) {
      if (id->is_number_integer()) {
        answer->provider_id = id->dump();
      } else if (id->is_string()) {
        answer->provider_id = id->get<std::string>();
      }
    }
    const absl::string_view result = StringMember(item, "finalTextResult");
    if (state == "READY" || state == "SELECTED" || state == "CALLBACK" ||
        (state == "FINISHED" && (result.empty() || result == "SENT"))) {
      answer->kind = AnswerKind::kAccepted;
      answer->result = TextResult::kSent;
      return;
    }
    answer->detail =
        result.empty() ? std::string(state) : absl::StrCat(state, " ", result);
    if (state == "INVALID" || state == "DNC") {
      answer->kind = AnswerKind::kRejected;
      return;
    }
    answer->kind = AnswerKind::kFailed;
    if (state == "FINISHED" && result == "CARRIER_ERROR") {
      answer->result = TextResult::kCarrierError;
    } else if (state == "FINISHED" && result == "CARRIER_TEMP_ERROR") {
      answer->result = TextResult::kCarrierTempError;
    } else {
      answer->result = TextResult::kInternalError;
    }
  }

  std::string url_;
};

}  // namespace

std::unique_ptr<ProviderProtocol> MakeCallFireProtocol(
    const ProviderConfig& config) {
  return std::make_unique<CallFireProtocol>(config);
}

}  // namespace herald::provider_internal
