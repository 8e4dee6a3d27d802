// The account's routes of CallFireApi: its do-not-contact list, which every
// broadcast asks as each text goes (Engine::AddDoNotContacts), and its
// auto-replies.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/base/json_field.h"
#include "engine/base/utf8.h"
#include "engine/ingest/phone_number.h"
#include "engine/service/api_json.h"
#include "engine/service/callfire_api.h"

namespace herald {
namespace {

nlohmann::json DncJson(const DncEntry& entry) {
  return {{"number", E164Digits(entry.number)},
          {"call", entry.call},
          {"text", entry.text},
          {"source", entry.source},
          {"created", absl::ToUnixMillis(entry.created)},
          {"updated", absl::ToUnixMillis(entry.updated)}};
}

// A number as the API takes it: a string or an integer, any NANP spelling.
absl::StatusOr<PhoneNumber> NumberOf(const JsonField& field) {
  absl::StatusOr<std::string> text = NumberText(field);
  if (!text.ok()) return text.status();
  absl::StatusOr<PhoneNumber> number = ParseNanpNumber(*text);
  if (!number.ok()) return field.Error(number.status().message());
  return *number;
}

absl::StatusOr<PhoneNumber> ParseNumberText(absl::string_view what,
                                            absl::string_view text) {
  absl::StatusOr<PhoneNumber> number = ParseNanpNumber(text);
  if (!number.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": \"", ValidUtf8(text), "\": ", number.status().message()));
  }
  return *number;
}

// The number the path names, `what` in errors.
absl::StatusOr<PhoneNumber> PathNumber(const ApiCall& call,
                                       absl::string_view what) {
  absl::StatusOr<std::string> text = call.PathText(0);
  if (!text.ok()) return text.status();
  return ParseNumberText(what, *text);
}

}  // namespace

ServerResponse CallFireApi::AddDncs(const ApiCall& call) {
  absl::StatusOr<nlohmann::json> body = call.Body();
  if (!body.ok()) return ErrorResponse(body.status());
  std::vector<PhoneNumber> numbers;
  bool calls = true;
  bool texts = true;
  std::string source = kDefaultDncSource;
  const JsonField root(kBody, "", *body);
  absl::Status s = root.Object({
      {"numbers",
       [&](const JsonField& f) {
         return f.Array([&](const JsonField& item) -> absl::Status {
           absl::StatusOr<PhoneNumber> number = NumberOf(item);
           if (!number.ok()) return number.status();
           numbers.push_back(*number);
           return absl::OkStatus();
         });
       }},
      {"call",
       [&](const JsonField& f) {
         return AssignField(&calls, [&] { return f.Bool(); });
       }},
      {"text",
       [&](const JsonField& f) {
         return AssignField(&texts, [&] { return f.Bool(); });
       }},
      {"source",
       [&](const JsonField& f) {
         return AssignField(&source, [&] { return NonEmptyString(f); });
       }},
  });
  if (!s.ok()) return ErrorResponse(s);
  if (numbers.empty()) {
    return ErrorResponse(root.Error("numbers: give at least one number"));
  }
  s = engine_->AddDoNotContacts(numbers, calls, texts, source);
  return s.ok() ? EmptyOk() : ErrorResponse(s);
}

ServerResponse CallFireApi::FindDncs(const ApiCall& call) {
  absl::StatusOr<ApiPaging> paging = call.Paging();
  if (!paging.ok()) return ErrorResponse(paging.status());
  DncQuery query;
  query.offset = paging->offset;
  query.limit = paging->limit;
  query.prefix = call.Query("prefix").value_or("");
  query.source = call.Query("source");
  for (const std::string& text : call.QueryList("number")) {
    absl::StatusOr<PhoneNumber> number =
        ParseNumberText("query parameter number", text);
    if (!number.ok()) return ErrorResponse(number.status());
    query.numbers.push_back(*number);
  }
  absl::StatusOr<std::optional<bool>> calls = call.QueryBool("call");
  if (!calls.ok()) return ErrorResponse(calls.status());
  absl::StatusOr<std::optional<bool>> texts = call.QueryBool("text");
  if (!texts.ok()) return ErrorResponse(texts.status());
  query.call = *calls;
  query.text = *texts;
  absl::StatusOr<DncPage> page = engine_->FindDoNotContacts(query);
  if (!page.ok()) {
    return ErrorResponse(absl::Status(
        page.status().code(),
        absl::StrCat("query parameter ", page.status().message())));
  }
  nlohmann::json items = nlohmann::json::array();
  for (const DncEntry& entry : page->items) items.push_back(DncJson(entry));
  return call.Page(std::move(items), *paging, page->total_count);
}

ServerResponse CallFireApi::GetDnc(const ApiCall& call) {
  absl::StatusOr<PhoneNumber> number = PathNumber(call, "number");
  if (!number.ok()) return ErrorResponse(number.status());
  absl::StatusOr<DncEntry> entry = engine_->GetDoNotContact(*number);
  if (!entry.ok()) return ErrorResponse(entry.status());
  return call.Json(DncJson(*entry));
}

ServerResponse CallFireApi::UpdateDnc(const ApiCall& call) {
  absl::StatusOr<PhoneNumber> number = PathNumber(call, "number");
  if (!number.ok()) return ErrorResponse(number.status());
  absl::StatusOr<DncEntry> entry = engine_->GetDoNotContact(*number);
  if (!entry.ok()) return ErrorResponse(entry.status());
  absl::StatusOr<nlohmann::json> body = call.Body();
  if (!body.ok()) return ErrorResponse(body.status());
  const JsonField root(kBody, "", *body);
  absl::Status s = root.Object({
      {"call",
       [&](const JsonField& f) {
         return AssignField(&entry->call, [&] { return f.Bool(); });
       }},
      {"text",
       [&](const JsonField& f) {
         return AssignField(&entry->text, [&] { return f.Bool(); });
       }},
  });
  if (!s.ok()) return ErrorResponse(s);
  s = engine_->UpdateDoNotContact(*number, entry->call, entry->text);
  return s.ok() ? EmptyOk() : ErrorResponse(s);
}

ServerResponse CallFireApi::DeleteDncs(const ApiCall& call) {
  absl::StatusOr<std::string> text = call.PathText(0);
  if (!text.ok()) return ErrorResponse(text.status());
  std::vector<PhoneNumber> numbers;
  for (absl::string_view item : absl::StrSplit(*text, ',', absl::SkipEmpty())) {
    absl::StatusOr<PhoneNumber> number = ParseNumberText("number", item);
    if (!number.ok()) return ErrorResponse(number.status());
    numbers.push_back(*number);
  }
  absl::StatusOr<uint64_t> removed = engine_->RemoveDoNotContacts(numbers);
  return removed.ok() ? NoContent() : ErrorResponse(removed.status());
}

ServerResponse CallFireApi::DeleteDncSource(const ApiCall& call) {
  absl::StatusOr<std::string> source = call.PathText(0);
  if (!source.ok()) return ErrorResponse(source.status());
  absl::StatusOr<uint64_t> removed = engine_->RemoveDoNotContactSource(*source);
  return removed.ok() ? NoContent() : ErrorResponse(removed.status());
}

ServerResponse CallFireApi::UniversalDncs(const ApiCall& call) {
  absl::StatusOr<PhoneNumber> to = PathNumber(call, "toNumber");
  if (!to.ok()) return ErrorResponse(to.status());
  // herald has no carrier-wide list: the answer is the account's, which
  // applies whatever the sender.
  nlohmann::json item = {{"toNumber", E164Digits(*to)},
                         {"inboundCall", false},
                         {"inboundText", false},
                         {"outboundCall", false},
                         {"outboundText", false}};
  if (std::optional<std::string> from = call.Query("fromNumber")) {
    item["fromNumber"] = ValidUtf8(*from);
  }
  absl::StatusOr<DncEntry> entry = engine_->GetDoNotContact(*to);
  if (entry.ok()) {
    item["outboundCall"] = entry->call;
    item["outboundText"] = entry->text;
  } else if (!absl::IsNotFound(entry.status())) {
    return ErrorResponse(entry.status());
  }
  return call.Json({{"items", nlohmann::json::array({std::move(item)})}});
}

namespace {

nlohmann::json AutoReplyJson(const AutoReply& reply) {
  nlohmann::json out = {
      {"id", reply.id}, {"number", reply.number}, {"message", reply.message}};
  if (!reply.keyword.empty()) out["keyword"] = reply.keyword;
  if (!reply.match.empty()) out["match"] = reply.match;
  return out;
}

absl::StatusOr<AutoReply> AutoReplyOf(const JsonField& root) {
  AutoReply reply;
  absl::Status s = root.Object({
      {"id", [](const JsonField&) { return absl::OkStatus(); }},  // read only
      {"number",
       [&](const JsonField& f) {
         return AssignField(&reply.number, [&] { return NonEmptyString(f); });
       }},
      {"keyword",
       [&](const JsonField& f) {
         return AssignField(&reply.keyword, [&] { return f.String(); });
       }},
      {"match",
       [&](const JsonField& f) {
         return AssignField(&reply.match, [&] { return f.String(); });
       }},
      {"message",
       [&](const JsonField& f) {
         return AssignField(&reply.message, [&] { return NonEmptyString(f); });
       }},
  });
  if (!s.ok()) return s;
  if (reply.number.empty()) return root.Error("number: give the number");
  if (reply.message.empty()) return root.Error("message: give the reply");
  return reply;
}

}  // namespace

ServerResponse CallFireApi::CreateAutoReply(const ApiCall& call) {
  absl::StatusOr<nlohmann::json> body = call.Body();
  if (!body.ok()) return ErrorResponse(body.status());
  absl::StatusOr<AutoReply> reply = AutoReplyOf(JsonField(kBody, "", *body));
  if (!reply.ok()) return ErrorResponse(reply.status());
  absl::StatusOr<int64_t> id = engine_->CreateAutoReply(*reply);
  if (!id.ok()) return ErrorResponse(id.status());
  return call.Json({{"id", *id}});
}

ServerResponse CallFireApi::FindAutoReplies(const ApiCall& call) {
  absl::StatusOr<ApiPaging> paging = call.Paging();
  if (!paging.ok()) return ErrorResponse(paging.status());
  absl::StatusOr<AutoReplyPage> page = engine_->FindAutoReplies(
      call.Query("number"), paging->offset, paging->limit);
  if (!page.ok()) return ErrorResponse(page.status());
  nlohmann::json items = nlohmann::json::array();
  for (const AutoReply& reply : page->items) {
    items.push_back(AutoReplyJson(reply));
  }
  return call.Page(std::move(items), *paging, page->total_count);
}

ServerResponse CallFireApi::GetAutoReply(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "auto-reply");
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<AutoReply> reply = engine_->GetAutoReply(*id);
  if (!reply.ok()) return ErrorResponse(reply.status());
  return call.Json(AutoReplyJson(*reply));
}

ServerResponse CallFireApi::DeleteAutoReply(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "auto-reply");
  if (!id.ok()) return ErrorResponse(id.status());
  absl::Status s = engine_->DeleteAutoReply(*id);
  return s.ok() ? NoContent() : ErrorResponse(s);
}

}  // namespace herald
