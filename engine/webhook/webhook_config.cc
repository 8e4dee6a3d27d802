#include "engine/webhook/webhook_config.h"

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/base/file_io.h"
#include "engine/base/json_field.h"
#include "nlohmann/json.hpp"

namespace herald {
namespace {

constexpr int kMaxBatchSize = 1000;
constexpr int kMaxDelayMs = 10 * 60 * 1000;
constexpr int kMaxTimeoutMs = 10 * 60 * 1000;
constexpr int kMaxRetryMs = 60 * 60 * 1000;

// `path` resolved against the folder of the webhook file `source`.
std::string NextTo(absl::string_view source, const std::string& path) {
  if (absl::StartsWith(path, "/")) return path;
  const size_t slash = source.rfind('/');
  if (slash == absl::string_view::npos) return path;
  return absl::StrCat(source.substr(0, slash + 1), path);
}

// A handler that reads milliseconds from `min` to `max` into `*out`.
JsonField::Handler Millis(int min, int max, absl::Duration* out) {
  return [=](const JsonField& f) {
    absl::StatusOr<int> ms = f.Int(min, max);
    if (ms.ok()) *out = absl::Milliseconds(*ms);
    return ms.status();
  };
}

// The member `key` of `root` as a field, for errors about it.
JsonField Member(const JsonField& root, absl::string_view key) {
  const auto it = root.value().find(std::string(key));
  return root.Child(key, it == root.value().end() ? root.value() : *it);
}

// Reads the secret last, once everything else is known to be right, so a
// mistake elsewhere is not hidden behind an unset variable.
absl::Status ReadSecret(const JsonField& root, absl::string_view source,
                        const std::optional<std::string>& secret_env,
                        const std::optional<std::string>& secret_file,
                        const EnvLookup& env, WebhookConfig* out) {
  if (secret_env && secret_file) {
    return Member(root, "secretFile")
        .Error("give secretEnv or secretFile, not both");
  }
  if (secret_env) {
    const JsonField field = Member(root, "secretEnv");
    std::optional<std::string> value = env(*secret_env);
    if (!value || value->empty()) {
      return field.Error(absl::StrCat("the environment variable ", *secret_env,
                                      value ? " is empty" : " is not set"));
    }
    out->secret = *std::move(value);
    return absl::OkStatus();
  }
  if (secret_file) {
    absl::StatusOr<std::string> secret =
        ReadSecretFile(NextTo(source, *secret_file));
    if (!secret.ok()) {
      return Member(root, "secretFile").Error(secret.status().message());
    }
    out->secret = *std::move(secret);
    return absl::OkStatus();
  }
  return root.Error(
      "missing \"secretEnv\" or \"secretFile\": requests are always signed");
}

}  // namespace

absl::StatusOr<WebhookConfig> ParseWebhookConfig(absl::string_view json_text,
                                                 absl::string_view path,
                                                 const EnvLookup& env) {
  absl::StatusOr<nlohmann::json> parsed = ParseJsonDocument(json_text, path);
  if (!parsed.ok()) return parsed.status();
  const JsonField root(path, "", *parsed);
  WebhookConfig config;
  bool url = false;
  bool id = false;
  std::optional<std::string> secret_env;
  std::optional<std::string> secret_file;
  absl::Status s = root.Object({
      {"url",
       [&](const JsonField& f) {
         url = true;
         absl::Status s =
             AssignField(&config.url, [&] { return NonEmptyString(f); });
         return s.ok() ? CheckHttpUrl(f, config.url,
                                      "requests are signed with the secret")
                       : s;
       }},
      {"id",
       [&](const JsonField& f) {
         id = true;
         if (!f.value().is_number_unsigned() ||
             f.value().get<uint64_t>() == 0) {
           return f.Error(f.Expected("a positive integer"));
         }
         config.id = f.value().get<uint64_t>();
         return absl::OkStatus();
       }},
      {"name",
       [&](const JsonField& f) {
         return AssignField(&config.name, [&] { return f.String(); });
       }},
      {"secretEnv",
       [&](const JsonField& f) {
         return AssignField(&secret_env, [&] { return NonEmptyString(f); });
       }},
      {"secretFile",
       [&](const JsonField& f) {
         return AssignField(&secret_file, [&] { return NonEmptyString(f); });
       }},
      {"batchSize",
       [&](const JsonField& f) {
         return AssignField(&config.batch_size,
                            [&] { return f.Int(1, kMaxBatchSize); });
       }},
      {"maxDelayMs", Millis(0, kMaxDelayMs, &config.max_delay)},
      {"timeoutMs", Millis(1, kMaxTimeoutMs, &config.timeout)},
      {"retryInitialMs", Millis(1, kMaxRetryMs, &config.retry_initial)},
      {"retryMaxMs", Millis(1, kMaxRetryMs, &config.retry_max)},
  });
  if (!s.ok()) return s;
  if (!url) return root.Error("missing \"url\"");
  if (!id) return root.Error("missing \"id\", the envelopes' webhookId");
  if (config.retry_max < config.retry_initial) {
    return Member(root, "retryMaxMs")
        .Error(absl::StrCat("must be at least retryInitialMs (",
                            absl::ToInt64Milliseconds(config.retry_initial),
                            ")"));
  }
  if (absl::Status s =
          ReadSecret(root, path, secret_env, secret_file, env, &config);
      !s.ok()) {
    return s;
  }
  return config;
}

absl::StatusOr<WebhookConfig> LoadWebhookConfig(const std::string& path,
                                                const EnvLookup& env) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseWebhookConfig(*text, path, env);
}

}  // namespace herald
