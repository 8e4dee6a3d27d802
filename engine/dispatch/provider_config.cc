#include "engine/dispatch/provider_config.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/base/file_io.h"
#include "engine/base/json_field.h"
#include "engine/base/percent_encoding.h"
#include "engine/dispatch/http_template.h"
#include "nlohmann/json.hpp"

namespace herald {
namespace {

using nlohmann::json;

constexpr EnumNames<ProviderType, 3> kTypes = {{
    {"callfire", ProviderType::kCallFire},
    {"kannel", ProviderType::kKannel},
    {"http", ProviderType::kHttp},
}};

constexpr EnumNames<StatusVerdict, 6> kVerdicts = {{
    {"SENT", StatusVerdict::kSent},
    {"INVALID", StatusVerdict::kInvalid},
    {"THROTTLED", StatusVerdict::kThrottled},
    {"CARRIER_ERROR", StatusVerdict::kCarrierError},
    {"CARRIER_TEMP_ERROR", StatusVerdict::kCarrierTempError},
    {"INTERNAL_ERROR", StatusVerdict::kInternalError},
}};

constexpr EnumNames<HttpTemplate::Escaping, 3> kEscapings = {{
    {"json", HttpTemplate::Escaping::kJson},
    {"form", HttpTemplate::Escaping::kForm},
    {"none", HttpTemplate::Escaping::kNone},
}};

constexpr std::array<std::pair<absl::string_view, absl::string_view>, 4>
    kMethods = {{
        {"GET", "GET"},
        {"POST", "POST"},
        {"PUT", "PUT"},
        {"PATCH", "PATCH"},
    }};

// Read by ParseLaneConfig, which ignores every other key.
constexpr absl::string_view kRateKeys[] = {
    "messagesPerSecond", "segmentsPerSecond", "burst",
    "maxActive",         "adaptive",          "senders",
};

constexpr int kMaxBatchSize = 1000;
constexpr int kDefaultCallFireBatchSize = 100;
constexpr int kMaxTimeoutMs = 10 * 60 * 1000;
constexpr size_t kMinCallbackSecret = 16;

// What a provider object held beyond ProviderConfig's fields. Checks that
// involve several keys run once the whole object is read, since JSON gives
// its keys in no particular order.
struct Seen {
  bool name = false;
  bool type = false;
  bool url = false;
  bool batch_size = false;
  bool campaign_id = false;
  std::optional<std::string> password_env;
  std::optional<std::string> password_file;
  std::optional<std::string> callback_secret_env;
  std::optional<std::string> callback_secret_file;
  std::vector<absl::string_view> http_keys;  // present; for type http only
};

bool IsHeaderNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("!#$%&'*+-.^_`|~").find(c) !=
             absl::string_view::npos;
}

// `in_header`: ${password} may appear. Anywhere else a provider's logs or
// an echoed error page would show the secret as it is.
absl::Status CheckTemplate(const JsonField& field, absl::string_view text,
                           bool in_header = false) {
  std::vector<TemplatePart> parts;
  if (absl::Status s = SplitTemplate(text, &parts); !s.ok()) {
    return field.Error(s.message());
  }
  if (!in_header &&
      absl::StrContains(text, TemplateFieldName(TemplateField::kPassword))) {
    return field.Error(absl::StrCat(
        TemplateFieldName(TemplateField::kPassword),
        " goes in a header value only (\"Authorization\": \"Bearer ",
        TemplateFieldName(TemplateField::kPassword), "\")"));
  }
  return absl::OkStatus();
}

bool HeadersUsePassword(const ProviderConfig& config) {
  return std::any_of(config.http.headers.begin(), config.http.headers.end(),
                     [](const auto& header) {
                       return absl::StrContains(
                           header.second,
                           TemplateFieldName(TemplateField::kPassword));
                     });
}

// CallFire's campaign ids are numbers; a string of digits is taken too.
absl::Status ParseCampaignId(const JsonField& field, std::string* out) {
  const json& value = field.value();
  if (value.is_number_unsigned()) {
    *out = std::to_string(value.get<uint64_t>());
    return absl::OkStatus();
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
          return absl::ascii_isdigit(static_cast<unsigned char>(c));
        })) {
      *out = text;
      return absl::OkStatus();
    }
  }
  return field.Error(field.Expected("a campaign id (digits)"));
}

absl::Status ParseHeaders(
    const JsonField& field,
    std::vector<std::pair<std::string, std::string>>* out) {
  if (!field.value().is_object()) {
    return field.Error(field.Expected("an object of header names to values"));
  }
  for (const auto& [name, value] : field.value().items()) {
    const JsonField header = field.Child(absl::StrCat("\"", name, "\""), value);
    if (name.empty() ||
        !std::all_of(name.begin(), name.end(), IsHeaderNameChar)) {
      return header.Error("is not a valid header name");
    }
    absl::StatusOr<std::string> text = header.String();
    if (!text.ok()) return text.status();
    if (text->find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
      return header.Error("must not hold a line break or NUL");
    }
    if (absl::StrContains(*text, TemplateFieldName(TemplateField::kMessage))) {
      // Header values go out as they are, and a message may hold a line
      // break, which would end the header.
      return header.Error(absl::StrCat(
          TemplateFieldName(TemplateField::kMessage),
          " cannot go in a header; put it in the url or the body"));
    }
    if (absl::Status s = CheckTemplate(header, *text, /*in_header=*/true);
        !s.ok()) {
      return s;
    }
    out->emplace_back(name, *std::move(text));
  }
  return absl::OkStatus();
}

// Keys are an exact status ("202") or a class ("2xx").
absl::Status ParseStatusResults(
    const JsonField& field,
    std::vector<std::pair<std::string, StatusVerdict>>* out) {
  if (!field.value().is_object()) {
    return field.Error(field.Expected("an object of statuses to results"));
  }
  for (const auto& [key, value] : field.value().items()) {
    const JsonField entry = field.Child(absl::StrCat("\"", key, "\""), value);
    const bool well_formed =
        key.size() == 3 && key[0] >= '1' && key[0] <= '5' &&
        ((absl::ascii_isdigit(static_cast<unsigned char>(key[1])) &&
          absl::ascii_isdigit(static_cast<unsigned char>(key[2]))) ||
         key.substr(1) == "xx");
    if (!well_formed) {
      return entry.Error(
          "is neither an HTTP status from 100 to 599 (\"202\") nor a class "
          "(\"2xx\")");
    }
    StatusVerdict verdict;
    if (absl::Status s = ParseJsonEnum(entry, kVerdicts, &verdict); !s.ok()) {
      return s;
    }
    out->emplace_back(key, verdict);
  }
  return absl::OkStatus();
}

// The member `key` of the object `provider` as a field, for errors about it.
JsonField Member(const JsonField& provider, absl::string_view key) {
  const auto it = provider.value().find(std::string(key));
  return provider.Child(key,
                        it == provider.value().end() ? provider.value() : *it);
}

// `path` resolved against the folder of the providers file `source`.
std::string NextTo(absl::string_view source, const std::string& path) {
  if (absl::StartsWith(path, "/")) return path;
  const size_t slash = source.rfind('/');
  if (slash == absl::string_view::npos) return path;
  return absl::StrCat(source.substr(0, slash + 1), path);
}

// The secret in the environment variable `env_name` or in the file `file`
// (relative to the providers file `source`, readable by its owner only),
// whichever is set; errors name `field`. Never part of an error itself.
absl::StatusOr<std::string> ReadSecret(
    const JsonField& field, absl::string_view source,
    const std::optional<std::string>& env_name,
    const std::optional<std::string>& file, const EnvLookup& env) {
  if (env_name.has_value()) {
    std::optional<std::string> value = env(*env_name);
    if (!value) {
      return field.Error(
          absl::StrCat("the environment variable ", *env_name, " is not set"));
    }
    if (value->empty()) {
      return field.Error(
          absl::StrCat("the environment variable ", *env_name, " is empty"));
    }
    return *std::move(value);
  }
  absl::StatusOr<std::string> secret = ReadSecretFile(NextTo(source, *file));
  if (!secret.ok()) return field.Error(secret.status().message());
  return *std::move(secret);
}

// Reads the password last, once everything else is known to be right.
absl::Status ReadPassword(const JsonField& provider, absl::string_view source,
                          const Seen& seen, const EnvLookup& env,
                          ProviderConfig* out) {
  const auto member = [&](absl::string_view key) {
    return Member(provider, key);
  };
  if (seen.password_env && seen.password_file) {
    return member("passwordFile")
        .Error("give passwordEnv or passwordFile, not both");
  }
  const char* source_key = seen.password_env    ? "passwordEnv"
                           : seen.password_file ? "passwordFile"
                                                : nullptr;
  if (source_key == nullptr) {
    if (!out->username.empty()) {
      return member("username")
          .Error("needs a password: set passwordEnv or passwordFile");
    }
    if (HeadersUsePassword(*out)) {
      return member("headers").Error(
          "use ${password}: set passwordEnv or passwordFile");
    }
    return absl::OkStatus();
  }
  const JsonField field = member(source_key);
  // A token for a header (Bearer ${password}) needs no username; a password
  // for Basic auth does.
  if (out->username.empty() && !HeadersUsePassword(*out)) {
    return field.Error(
        "a password needs a username, or a header that uses ${password}");
  }
  absl::StatusOr<std::string> secret =
      ReadSecret(field, source, seen.password_env, seen.password_file, env);
  if (!secret.ok()) return secret.status();
  out->password = *std::move(secret);
  return absl::OkStatus();
}

// Whether `text` goes in a URL as it is.
bool IsUrlSafe(absl::string_view text) {
  return std::all_of(text.begin(), text.end(), IsUnreserved);
}

// The callback secret, once everything else is known to be right: it goes
// in the URLs the provider calls back, so it must need no escaping (a
// Kannel dlr-url takes '%' for its own placeholders).
absl::Status ReadCallbackSecret(const JsonField& provider,
                                absl::string_view source, const Seen& seen,
                                const EnvLookup& env, ProviderConfig* out) {
  if (seen.callback_secret_env && seen.callback_secret_file) {
    return Member(provider, "callbackSecretFile")
        .Error("give callbackSecretEnv or callbackSecretFile, not both");
  }
  if (!out->callback_url.empty() && !IsUrlSafe(out->name)) {
    return Member(provider, "name")
        .Error(
            "with a callbackUrl, letters, digits, '-', '_', '.' or '~' only: "
            "the name is part of the callbacks' path");
  }
  if (!seen.callback_secret_env && !seen.callback_secret_file) {
    if (out->callback_url.empty()) return absl::OkStatus();
    return Member(provider, "callbackUrl")
        .Error(
            "needs callbackSecretEnv or callbackSecretFile: the callbacks "
            "take only a caller that knows the secret");
  }
  const JsonField field =
      Member(provider, seen.callback_secret_env ? "callbackSecretEnv"
                                                : "callbackSecretFile");
  absl::StatusOr<std::string> secret = ReadSecret(
      field, source, seen.callback_secret_env, seen.callback_secret_file, env);
  if (!secret.ok()) return secret.status();
  if (secret->size() < kMinCallbackSecret || !IsUrlSafe(*secret)) {
    return field.Error(absl::StrCat(
        "the secret must be at least ", kMinCallbackSecret,
        " letters, digits, '-', '_', '.' or '~' (e.g. openssl rand -hex 16)"));
  }
  out->callback_secret = *std::move(secret);
  return absl::OkStatus();
}

// The checks that depend on the type, once the whole object is read.
absl::Status CheckForType(const JsonField& provider, const Seen& seen,
                          ProviderConfig* out) {
  const auto member = [&](absl::string_view key) {
    return Member(provider, key);
  };
  if (!seen.name) return provider.Error("missing \"name\"");
  if (!seen.type) {
    return provider.Error("missing \"type\" (one of callfire, kannel, http)");
  }
  if (!seen.url) return provider.Error("missing \"url\"");
  const absl::string_view type_name = ProviderTypeName(out->type);
  if (out->type != ProviderType::kHttp && !seen.http_keys.empty()) {
    return member(seen.http_keys.front())
        .Error(absl::StrCat("only for type http, not ", type_name));
  }
  if (out->type != ProviderType::kCallFire && seen.campaign_id) {
    return member("campaignId")
        .Error(absl::StrCat("only for type callfire, not ", type_name));
  }
  if (out->type == ProviderType::kCallFire) {
    if (!seen.batch_size) out->batch_size = kDefaultCallFireBatchSize;
  } else if (out->batch_size != 1) {
    return member("batchSize")
        .Error(
            absl::StrCat("type ", type_name,
                         " sends one text per request; only callfire batches"));
  }
  if (out->type == ProviderType::kHttp) {
    if (absl::Status s = CheckTemplate(member("url"), out->url); !s.ok()) {
      return s;
    }
    const bool get = out->http.method == "GET";
    if (get && !out->http.body.empty()) {
      return member("body").Error("a GET request sends no body");
    }
    if (!get && out->http.body.empty()) {
      return provider.Error(absl::StrCat("missing \"body\" (method ",
                                         out->http.method, " sends one)"));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseProvider(const JsonField& provider, absl::string_view source,
                           const EnvLookup& env, ProviderConfig* out) {
  Seen seen;
  std::vector<std::pair<absl::string_view, JsonField::Handler>> handlers = {
      {"name",
       [&](const JsonField& f) {
         seen.name = true;
         return AssignField(&out->name, [&] { return NonEmptyString(f); });
       }},
      {"type",
       [&](const JsonField& f) {
         seen.type = true;
         return ParseJsonEnum(f, kTypes, &out->type);
       }},
      {"url",
       [&](const JsonField& f) {
         seen.url = true;
         absl::Status s =
             AssignField(&out->url, [&] { return NonEmptyString(f); });
         return s.ok() ? CheckHttpUrl(f, out->url,
                                      "use username with passwordEnv or "
                                      "passwordFile")
                       : s;
       }},
      {"username",
       [&](const JsonField& f) {
         return AssignField(&out->username, [&] { return f.String(); });
       }},
      {"passwordEnv",
       [&](const JsonField& f) {
         return AssignField(&seen.password_env,
                            [&] { return NonEmptyString(f); });
       }},
      {"passwordFile",
       [&](const JsonField& f) {
         return AssignField(&seen.password_file,
                            [&] { return NonEmptyString(f); });
       }},
      {"callbackUrl",
       [&](const JsonField& f) {
         absl::Status s =
             AssignField(&out->callback_url, [&] { return NonEmptyString(f); });
         if (s.ok())
           s = CheckHttpUrl(f, out->callback_url,
                            "the callbacks check their secret "
                            "parameter");
         if (s.ok() &&
             out->callback_url.find_first_of("%?#") != std::string::npos) {
           s = f.Error("herald's address only: no '%', query or fragment");
         }
         while (s.ok() && absl::EndsWith(out->callback_url, "/")) {
           out->callback_url.pop_back();
         }
         return s;
       }},
      {"callbackSecretEnv",
       [&](const JsonField& f) {
         return AssignField(&seen.callback_secret_env,
                            [&] { return NonEmptyString(f); });
       }},
      {"callbackSecretFile",
       [&](const JsonField& f) {
         return AssignField(&seen.callback_secret_file,
                            [&] { return NonEmptyString(f); });
       }},
      {"batchSize",
       [&](const JsonField& f) {
         seen.batch_size = true;
         return AssignField(&out->batch_size,
                            [&] { return f.Int(1, kMaxBatchSize); });
       }},
      {"timeoutMs",
       [&](const JsonField& f) {
         absl::StatusOr<int> ms = f.Int(1, kMaxTimeoutMs);
         if (ms.ok()) out->timeout = absl::Milliseconds(*ms);
         return ms.status();
       }},
      {"connectTimeoutMs",
       [&](const JsonField& f) {
         absl::StatusOr<int> ms = f.Int(1, kMaxTimeoutMs);
         if (ms.ok()) out->connect_timeout = absl::Milliseconds(*ms);
         return ms.status();
       }},
      {"caFile",
       [&](const JsonField& f) {
         absl::StatusOr<std::string> path = NonEmptyString(f);
         if (!path.ok()) return path.status();
         out->ca_file = NextTo(source, *path);
         struct stat info;
         if (::stat(out->ca_file.c_str(), &info) != 0) {
           return f.Error(
               ErrnoStatus(errno, "cannot stat", out->ca_file).message());
         }
         return absl::OkStatus();
       }},
      {"campaignId",
       [&](const JsonField& f) {
         seen.campaign_id = true;
         return ParseCampaignId(f, &out->campaign_id);
       }},
      {"method",
       [&](const JsonField& f) {
         seen.http_keys.push_back("method");
         absl::string_view method;
         absl::Status s = ParseJsonEnum(f, kMethods, &method);
         out->http.method = std::string(method);
         return s;
       }},
      {"headers",
       [&](const JsonField& f) {
         seen.http_keys.push_back("headers");
         return ParseHeaders(f, &out->http.headers);
       }},
      {"body",
       [&](const JsonField& f) {
         seen.http_keys.push_back("body");
         absl::Status s =
             AssignField(&out->http.body, [&] { return f.String(); });
         return s.ok() ? CheckTemplate(f, out->http.body) : s;
       }},
      {"bodyEscaping",
       [&](const JsonField& f) {
         seen.http_keys.push_back("bodyEscaping");
         return ParseJsonEnum(f, kEscapings, &out->http.body_escaping);
       }},
      {"statusResults",
       [&](const JsonField& f) {
         seen.http_keys.push_back("statusResults");
         return ParseStatusResults(f, &out->http.status_results);
       }},
  };
  for (absl::string_view key : kRateKeys) {
    handlers.emplace_back(key,
                          [](const JsonField&) { return absl::OkStatus(); });
  }
  if (absl::Status s = provider.Object(handlers); !s.ok()) return s;

  absl::StatusOr<LaneConfig> lanes =
      ParseLaneConfig(provider.value(), provider.path());
  if (!lanes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": ", lanes.status().message()));
  }
  out->lanes = *std::move(lanes);

  if (absl::Status s = CheckForType(provider, seen, out); !s.ok()) return s;
  if (absl::Status s = ReadPassword(provider, source, seen, env, out);
      !s.ok()) {
    return s;
  }
  return ReadCallbackSecret(provider, source, seen, env, out);
}

}  // namespace

std::optional<std::string> ProcessEnv(absl::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

absl::StatusOr<std::vector<ProviderConfig>> ParseProvidersFile(
    absl::string_view json_text, absl::string_view path, const EnvLookup& env) {
  absl::StatusOr<json> parsed = ParseJsonDocument(json_text, path);
  if (!parsed.ok()) return parsed.status();
  const JsonField root(path, "", *parsed);
  std::vector<ProviderConfig> providers;
  std::map<std::string, size_t, std::less<>> index_of_name;
  bool listed = false;
  absl::Status s = root.Object({
      {"providers",
       [&](const JsonField& list) {
         listed = true;
         if (list.value().is_array() && list.value().empty()) {
           return list.Error("lists no provider");
         }
         return list.Array([&](const JsonField& item) {
           ProviderConfig config;
           if (absl::Status s = ParseProvider(item, path, env, &config);
               !s.ok()) {
             return s;
           }
           const auto [it, added] =
               index_of_name.emplace(config.name, providers.size());
           if (!added) {
             return Member(item, "name")
                 .Error(absl::StrCat("\"", config.name,
                                     "\" is already the name of providers[",
                                     it->second, "]"));
           }
           providers.push_back(std::move(config));
           return absl::OkStatus();
         });
       }},
  });
  if (!s.ok()) return s;
  if (!listed) {
    return root.Error("missing \"providers\", the list of providers");
  }
  return providers;
}

absl::StatusOr<std::vector<ProviderConfig>> LoadProvidersFile(
    const std::string& path, const EnvLookup& env) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseProvidersFile(*text, path, env);
}

absl::string_view ProviderTypeName(ProviderType type) {
  return NameOf(kTypes, type, "unknown");
}

}  // namespace herald
