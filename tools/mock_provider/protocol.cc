#include "tools/mock_provider/protocol.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/base/json_text.h"
#include "engine/base/utf8.h"
#include "engine/ingest/csv_reader.h"
#include "nlohmann/json.hpp"

namespace herald::mock_provider {
namespace {

using nlohmann::json;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(absl::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out->push_back(' ');
    } else if (in[i] != '%') {
      out->push_back(in[i]);
    } else {
      if (i + 2 >= in.size()) return false;
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi << 4 | lo));
      i += 2;
    }
  }
  return true;
}

absl::StatusOr<std::string> Utf16BeToUtf8(absl::string_view bytes) {
  if (bytes.size() % 2 != 0) {
    return absl::InvalidArgumentError("UTF-16 text of odd length");
  }
  auto unit = [&](size_t i) -> uint32_t {
    return static_cast<uint8_t>(bytes[i]) << 8 |
           static_cast<uint8_t>(bytes[i + 1]);
  };
  std::string out;
  out.reserve(bytes.size() * 3 / 2);
  for (size_t i = 0; i < bytes.size(); i += 2) {
    uint32_t cp = unit(i);
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return absl::InvalidArgumentError("lone low surrogate in UTF-16 text");
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      const uint32_t low = i + 3 < bytes.size() ? unit(i + 2) : 0;
      if (low < 0xDC00 || low > 0xDFFF) {
        return absl::InvalidArgumentError("lone high surrogate in UTF-16 text");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      i += 2;
    }
    AppendUtf8(cp, &out);
  }
  return out;
}

// Takes the string member `name` of `object` into `*out`, or leaves `*out`
// empty when it is absent or null.
absl::Status TakeString(json& object, const char* name, size_t index,
                        std::string* out) {
  out->clear();
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("recipient ", index, ": ", name, " must be a string"));
  }
  *out = std::move(it->get_ref<std::string&>());
  return absl::OkStatus();
}

}  // namespace

bool NormalizeNanp(absl::string_view text, std::string* digits) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.size() == 11 && text.front() == '1') text.remove_prefix(1);
  if (text.size() != 10) return false;
  for (char c : text) {
    if (!IsDigit(c)) return false;
  }
  if (text[0] < '2' || text[3] < '2') return false;
  digits->resize(11);
  (*digits)[0] = '1';
  std::copy(text.begin(), text.end(), digits->begin() + 1);
  return true;
}

bool BasicAuthMatches(absl::string_view authorization, absl::string_view user,
                      absl::string_view password) {
  constexpr absl::string_view kScheme = "basic ";
  if (!absl::StartsWithIgnoreCase(authorization, kScheme)) return false;
  std::string decoded;
  if (!absl::Base64Unescape(
          absl::StripAsciiWhitespace(authorization.substr(kScheme.size())),
          &decoded)) {
    return false;
  }
  const absl::string_view credentials = decoded;
  return credentials.size() == user.size() + 1 + password.size() &&
         absl::StartsWith(credentials, user) &&
         credentials[user.size()] == ':' &&
         absl::EndsWith(credentials, password);
}

absl::Status ParseCallFireTexts(absl::string_view body,
                                absl::string_view header_key,
                                std::vector<OutgoingText>* texts) {
  json doc = json::parse(body.begin(), body.end(), /*cb=*/nullptr,
                         /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return absl::InvalidArgumentError("request body is not valid JSON");
  }
  if (!doc.is_array() || doc.empty()) {
    return absl::InvalidArgumentError(
        "request body must be a non-empty JSON array of TextRecipient objects");
  }
  texts->resize(doc.size());
  std::string phone;
  for (size_t i = 0; i < doc.size(); ++i) {
    json& recipient = doc[i];
    if (!recipient.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("recipient ", i, " is not an object"));
    }
    OutgoingText& text = (*texts)[i];
    for (absl::Status s :
         {TakeString(recipient, "phoneNumber", i, &phone),
          TakeString(recipient, "message", i, &text.message),
          TakeString(recipient, "fromNumber", i, &text.from)}) {
      if (!s.ok()) return s;
    }
    text.key.clear();
    if (const auto attributes = recipient.find("attributes");
        attributes != recipient.end() && !attributes->is_null()) {
      if (!attributes->is_object()) {
        return absl::InvalidArgumentError(
            absl::StrCat("recipient ", i, ": attributes must be an object"));
      }
      if (absl::Status s =
              TakeString(*attributes, "idempotencyKey", i, &text.key);
          !s.ok()) {
        return s;
      }
    }
    if (text.key.empty() && !header_key.empty()) {
      text.key = doc.size() == 1 ? std::string(header_key)
                                 : absl::StrCat(header_key, "#", i);
    }
    text.valid = NormalizeNanp(phone, &text.to) && !text.message.empty();
    if (!text.valid) text.to = phone;
  }
  return absl::OkStatus();
}

void AppendCallFireItems(absl::Span<const OutgoingText> texts,
                         absl::Span<const Receipt> receipts, std::string* out) {
  out->append("{\"items\":[");
  for (size_t i = 0; i < texts.size(); ++i) {
    const OutgoingText& text = texts[i];
    if (i > 0) out->push_back(',');
    absl::StrAppend(out, "{\"id\":", receipts[i].id, ",\"fromNumber\":");
    AppendJsonString(text.from, out);
    out->append(",\"toNumber\":");
    AppendJsonString(text.to, out);
    out->append(",\"state\":");
    out->append(text.valid ? "\"FINISHED\"" : "\"INVALID\"");
    out->append(",\"message\":");
    AppendJsonString(text.message, out);
    if (text.valid) out->append(",\"finalTextResult\":\"SENT\"");
    out->push_back('}');
  }
  out->append("]}");
}

std::string CallFireError(int status, absl::string_view message) {
  std::string out =
      absl::StrCat("{\"httpStatusCode\":", status, ",\"internalCode\":0,");
  out.append("\"message\":");
  AppendJsonString(message, &out);
  out.push_back('}');
  return out;
}

bool ParseFormParams(absl::string_view form,
                     std::vector<std::pair<std::string, std::string>>* params) {
  while (!form.empty()) {
    const size_t amp = form.find('&');
    const absl::string_view pair = form.substr(0, amp);
    form = amp == absl::string_view::npos ? "" : form.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::pair<std::string, std::string> decoded;
    if (!PercentDecode(pair.substr(0, eq), &decoded.first)) return false;
    if (eq != absl::string_view::npos &&
        !PercentDecode(pair.substr(eq + 1), &decoded.second)) {
      return false;
    }
    params->push_back(std::move(decoded));
  }
  return true;
}

absl::StatusOr<std::string> KannelTextToUtf8(absl::string_view text, int coding,
                                             absl::string_view charset) {
  if (charset.empty()) charset = coding == 2 ? "UTF-16BE" : "UTF-8";
  if (absl::EqualsIgnoreCase(charset, "UTF-8") ||
      absl::EqualsIgnoreCase(charset, "UTF8")) {
    if (FindInvalidUtf8(text) != absl::string_view::npos) {
      return absl::InvalidArgumentError("text is not valid UTF-8");
    }
    return std::string(text);
  }
  if (absl::EqualsIgnoreCase(charset, "UTF-16BE") ||
      absl::EqualsIgnoreCase(charset, "UCS-2") ||
      absl::EqualsIgnoreCase(charset, "UCS-2BE")) {
    return Utf16BeToUtf8(text);
  }
  if (absl::EqualsIgnoreCase(charset, "ISO-8859-1") ||
      absl::EqualsIgnoreCase(charset, "latin1")) {
    std::string out;
    for (char c : text) AppendUtf8(static_cast<uint8_t>(c), &out);
    return out;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported charset ", charset));
}

}  // namespace herald::mock_provider
