// The contact-list routes of CallFireApi: /v2/contacts/lists. A list is a
// CSV file the engine keeps (Engine::CreateContactList); an upload streams
// into a file (MultipartForm) and never passes through memory.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "engine/base/json_field.h"
#include "engine/service/api_ids.h"
#include "engine/service/api_json.h"
#include "engine/service/callfire_api.h"
#include "engine/service/multipart_form.h"

namespace herald {
namespace {

constexpr char kFileField[] = "file";

// CallFire's Contact fields that a column can be; any other column is one
// of the contact's `properties`. The phones in the order a contact's number
// is picked from them.
constexpr std::array<absl::string_view, 6> kPhoneFields = {
    "mobilePhone", "homePhone",   "workPhone",
    "extraPhone1", "extraPhone2", "extraPhone3"};
constexpr std::array<absl::string_view, 5> kOtherFields = {
    "firstName", "lastName", "zipcode", "externalId", "externalSystem"};

// The Contact field named `column` (in any case), or empty.
absl::string_view ContactField(absl::string_view column) {
  for (absl::string_view field : kPhoneFields) {
    if (absl::EqualsIgnoreCase(field, column)) return field;
  }
  for (absl::string_view field : kOtherFields) {
    if (absl::EqualsIgnoreCase(field, column)) return field;
  }
  return {};
}

nlohmann::json ContactListJson(const ContactListInfo& list) {
  return {{"id", list.id},
          {"name", list.name},
          {"size", list.size},
          {"created", absl::ToUnixMillis(list.created)},
          {"status", "ACTIVE"}};
}

nlohmann::json ContactJson(ContactListId list,
                           const std::vector<std::string>& columns,
                           const ContactListItems::Row& row) {
  nlohmann::json contact = {{"id", ApiContactId(list, row.row)}};
  nlohmann::json properties = nlohmann::json::object();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (row.values[i].empty()) continue;
    const absl::string_view field = ContactField(columns[i]);
    if (field.empty()) {
      properties[columns[i]] = row.values[i];
    } else {
      contact[std::string(field)] = row.values[i];
    }
  }
  // The number column herald adds to a list made of contacts repeats one
  // of their phones.
  if (auto number = properties.find("phoneNumber");
      number != properties.end()) {
    for (absl::string_view phone : kPhoneFields) {
      if (contact.value(std::string(phone), "") == *number) {
        properties.erase(number);
        break;
      }
    }
  }
  if (!properties.empty()) contact["properties"] = std::move(properties);
  return contact;
}

// A scalar as the text a CSV cell holds (CallFire's examples send
// `"age": 30`).
absl::StatusOr<std::string> ScalarText(const JsonField& field) {
  const nlohmann::json& v = field.value();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return field.Error(field.Expected("a string, number or boolean"));
}

// A Contact object as a recipient: its number the first of its phones, and
// every field and property an attribute (the phones too, under their names).
absl::StatusOr<Recipient> RecipientOfContact(const JsonField& contact) {
  Recipient recipient;
  auto add = [&](std::string name, const JsonField& f) -> absl::Status {
    const bool taken = std::any_of(
        recipient.attributes.begin(), recipient.attributes.end(),
        [&](const auto& a) { return absl::EqualsIgnoreCase(a.first, name); });
    if (taken) return f.Error("given twice (as a field and a property)");
    absl::StatusOr<std::string> text = ScalarText(f);
    if (!text.ok()) return text.status();
    if (!text->empty()) recipient.attributes.emplace_back(name, *text);
    return absl::OkStatus();
  };
  std::vector<std::pair<absl::string_view, JsonField::Handler>> handlers;
  for (absl::string_view phone : kPhoneFields) {
    handlers.emplace_back(phone, [&, phone](const JsonField& f) {
      absl::StatusOr<std::string> number = NumberText(f);
      if (!number.ok()) return number.status();
      if (!number->empty()) {
        recipient.attributes.emplace_back(std::string(phone), *number);
      }
      return absl::OkStatus();
    });
  }
  for (absl::string_view field : kOtherFields) {
    handlers.emplace_back(field, [&, field](const JsonField& f) {
      return add(std::string(field), f);
    });
  }
  handlers.emplace_back("properties", [&](const JsonField& f) -> absl::Status {
    if (!f.value().is_object()) return f.Error(f.Expected("an object"));
    for (const auto& [key, value] : f.value().items()) {
      if (absl::Status s = add(key, f.Child(key, value)); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
  if (absl::Status s = contact.Object(handlers); !s.ok()) return s;
  for (absl::string_view phone : kPhoneFields) {
    auto given = std::find_if(
        recipient.attributes.begin(), recipient.attributes.end(),
        [&](const auto& attribute) { return attribute.first == phone; });
    if (given != recipient.attributes.end()) {
      recipient.phone_number = given->second;
      break;
    }
  }
  if (recipient.phone_number.empty()) {
    return contact.Error(
        "a contact needs a number (mobilePhone, homePhone, workPhone or "
        "extraPhone1-3)");
  }
  return recipient;
}

absl::Status RefuseUseCustomFieldsFalse(const JsonField& f) {
  absl::StatusOr<bool> custom = f.Bool();
  if (!custom.ok()) return custom.status();
  if (*custom) return absl::OkStatus();
  return f.Error(
      "herald names a list's columns from the file's header (true); columns "
      "renamed A, B, C (false) could not be used in a template");
}

}  // namespace

absl::StatusOr<std::shared_ptr<BodySink>> CallFireApi::SinkFor(
    const ServerRequest& request) const {
  // Matched as the routes are, by segments ("/upload/" is the upload too).
  const std::vector<absl::string_view> segments =
      absl::StrSplit(request.path, '/', absl::SkipEmpty());
  if (request.method != "POST" ||
      segments !=
          std::vector<absl::string_view>{"v2", "contacts", "lists", "upload"}) {
    return nullptr;
  }
  if (options_.upload_dir.empty()) {
    return absl::FailedPreconditionError(
        "uploads need a state directory to be kept in");
  }
  MultipartFormOptions form;
  form.file_dir = options_.upload_dir;
  form.file_fields = {kFileField};
  form.text_fields = {"name", "useCustomFields"};
  absl::StatusOr<std::shared_ptr<MultipartForm>> sink =
      MultipartForm::Create(request.content_type, std::move(form));
  if (!sink.ok()) return sink.status();
  return std::shared_ptr<BodySink>(*std::move(sink));
}

ServerResponse CallFireApi::UploadContactList(const ApiCall& call) {
  auto form = std::dynamic_pointer_cast<MultipartForm>(call.request().sink);
  if (form == nullptr) {
    return ErrorResponse(
        400, "the upload takes multipart/form-data (curl -F file=@list.csv)");
  }
  if (!form->HasFile(kFileField)) {
    return ErrorResponse(
        400, "file: the upload has no file (curl -F file=@list.csv)");
  }
  const std::map<std::string, std::string>& texts = form->texts();
  if (auto custom = texts.find("useCustomFields"); custom != texts.end()) {
    const nlohmann::json value = absl::AsciiStrToLower(custom->second);
    absl::Status s = RefuseUseCustomFieldsFalse(
        JsonField("upload", "useCustomFields", value));
    if (!s.ok()) return ErrorResponse(s);
  }
  const std::string client_name = form->FileName(kFileField);
  std::string name;
  if (auto given = texts.find("name"); given != texts.end()) {
    name = given->second;
  }
  if (name.empty()) name = client_name.empty() ? "upload" : client_name;
  const std::string path = form->TakeFile(kFileField);
  absl::StatusOr<ContactListInfo> list = engine_->CreateContactList(
      name, BatchSource::File(path), /*move_file=*/true);
  if (!list.ok()) {
    ::unlink(path.c_str());
    // Named as the client knows the file, not by where it was spooled.
    return ErrorResponse(absl::Status(
        list.status().code(),
        absl::StrReplaceAll(
            list.status().message(),
            {{path, client_name.empty() ? "file" : client_name}})));
  }
  return call.Json({{"id", list->id}});
}

ServerResponse CallFireApi::CreateContactList(const ApiCall& call) {
  absl::StatusOr<nlohmann::json> body = call.Body();
  if (!body.ok()) return ErrorResponse(body.status());
  const JsonField root(kBody, "", *body);
  std::string name;
  std::vector<Recipient> recipients;
  std::vector<std::string> numbers;
  std::string numbers_field = "homePhone";
  bool has_numbers = false;
  absl::Status s = root.Object({
      {"name",
       [&](const JsonField& f) {
         return AssignField(&name, [&] { return NonEmptyString(f); });
       }},
      {"contacts",
       [&](const JsonField& f) {
         return f.Array([&](const JsonField& e) {
           absl::StatusOr<Recipient> r = RecipientOfContact(e);
           if (!r.ok()) return r.status();
           recipients.push_back(*std::move(r));
           return absl::OkStatus();
         });
       }},
      {"contactNumbers",
       [&](const JsonField& f) {
         has_numbers = true;
         return f.Array([&](const JsonField& e) {
           absl::StatusOr<std::string> number = NumberText(e);
           if (!number.ok()) return number.status();
           numbers.push_back(*std::move(number));
           return absl::OkStatus();
         });
       }},
      {"contactNumbersField",
       [&](const JsonField& f) -> absl::Status {
         absl::StatusOr<std::string> field = f.String();
         if (!field.ok()) return field.status();
         const absl::string_view known = ContactField(*field);
         if (std::find(kPhoneFields.begin(), kPhoneFields.end(), known) ==
             kPhoneFields.end()) {
           return f.Error(
               "expected homePhone, workPhone, mobilePhone or extraPhone1-3");
         }
         numbers_field = std::string(known);
         return absl::OkStatus();
       }},
      {"contactIds",
       [&](const JsonField& f) {
         return f.Error(
             "herald keeps no contacts apart from their lists; give "
             "contacts or contactNumbers");
       }},
      {"useCustomFields", RefuseUseCustomFieldsFalse},
  });
  if (!s.ok()) return ErrorResponse(s);
  for (std::string& number : numbers) {
    Recipient& r = recipients.emplace_back();
    r.attributes.emplace_back(numbers_field, number);
    r.phone_number = std::move(number);
  }
  if (recipients.empty()) {
    return ErrorResponse(root.Error(
        has_numbers ? "contactNumbers: empty"
                    : "a contact list needs contacts or contactNumbers"));
  }
  if (name.empty()) return ErrorResponse(root.Error("name: give the name"));
  absl::StatusOr<ContactListInfo> list =
      engine_->CreateContactList(name, BatchSource::Recipients(recipients));
  if (!list.ok()) return ErrorResponse(list.status());
  return call.Json({{"id", list->id}});
}

ServerResponse CallFireApi::FindContactLists(const ApiCall& call) {
  absl::StatusOr<ApiPaging> paging = call.Paging();
  if (!paging.ok()) return ErrorResponse(paging.status());
  ContactListQuery query;
  query.name = call.Query("name").value_or("");
  query.offset = paging->offset;
  query.limit = paging->limit;
  absl::StatusOr<ContactListPage> page = engine_->FindContactLists(query);
  if (!page.ok()) return ErrorResponse(page.status());
  nlohmann::json items = nlohmann::json::array();
  for (const ContactListInfo& list : page->items) {
    items.push_back(ContactListJson(list));
  }
  return call.Page(std::move(items), *paging, page->total_count);
}

ServerResponse CallFireApi::GetContactList(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "contact list");
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<ContactListInfo> list = engine_->GetContactList(*id);
  if (!list.ok()) return ErrorResponse(list.status());
  return call.Json(ContactListJson(*list));
}

ServerResponse CallFireApi::UpdateContactList(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "contact list");
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<nlohmann::json> body = call.Body();
  if (!body.ok()) return ErrorResponse(body.status());
  std::string name;
  absl::Status s =
      JsonField(kBody, "", *body)
          .Object({
              {"name",
               [&](const JsonField& f) {
                 return AssignField(&name, [&] { return NonEmptyString(f); });
               }},
          });
  if (!s.ok()) return ErrorResponse(s);
  if (name.empty()) {
    // Nothing to change; the list must still be there.
    absl::StatusOr<ContactListInfo> list = engine_->GetContactList(*id);
    return list.ok() ? EmptyOk() : ErrorResponse(list.status());
  }
  s = engine_->RenameContactList(*id, name);
  return s.ok() ? EmptyOk() : ErrorResponse(s);
}

ServerResponse CallFireApi::DeleteContactList(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "contact list");
  if (!id.ok()) return ErrorResponse(id.status());
  absl::Status s = engine_->DeleteContactList(*id);
  return s.ok() ? NoContent() : ErrorResponse(s);
}

ServerResponse CallFireApi::ContactListContacts(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "contact list");
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<ApiPaging> paging = call.Paging();
  if (!paging.ok()) return ErrorResponse(paging.status());
  absl::StatusOr<ContactListItems> items =
      engine_->ContactListContacts(*id, paging->offset, paging->limit);
  if (!items.ok()) return ErrorResponse(items.status());
  nlohmann::json contacts = nlohmann::json::array();
  for (const ContactListItems::Row& row : items->rows) {
    contacts.push_back(ContactJson(*id, items->columns, row));
  }
  return call.Page(std::move(contacts), *paging, items->total_count);
}

}  // namespace herald
