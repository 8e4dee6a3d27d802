// The webhook file (`herald run --webhook FILE`): where Finished events go,
// what the envelopes call the webhook, the secret they are signed with, and
// how batches and retries are paced.
//
//   {"url":"http://127.0.0.1:8080/hooks","id":4321,"name":"broadcast events",
//    "secretEnv":"HOOK_SECRET","batchSize":100,"maxDelayMs":1000,
//    "timeoutMs":10000,"retryInitialMs":500,"retryMaxMs":60000}
//
// The secret never comes from the file itself: it names an environment
// variable (`secretEnv`) or a file readable by its owner only (`secretFile`,
// mode 0600 or stricter, relative to the webhook file's folder). The secret
// is never part of an error message, a log or a report. docs/WEBHOOKS.md
// describes the file for users.
#ifndef HERALD_ENGINE_WEBHOOK_WEBHOOK_CONFIG_H_
#define HERALD_ENGINE_WEBHOOK_WEBHOOK_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/dispatch/provider_config.h"

namespace herald {

struct WebhookConfig {
  // "url", required: http:// or https://, without credentials in it. Never
  // quoted in errors, since its query may carry a token.
  std::string url;
  // "id", required: the envelopes' webhookId, a number as in CallFire.
  uint64_t id = 0;
  // "name": the envelopes' webhookName.
  std::string name;
  // From "secretEnv" or "secretFile", one of which is required; the key of
  // the X-Herald-Signature HMAC.
  std::string secret;
  // "batchSize", 1..1000: events per request at most.
  int batch_size = 100;
  // "maxDelayMs", 0..600000: how long an event may wait for a batch to fill
  // before it goes in a smaller one.
  absl::Duration max_delay = absl::Seconds(1);
  // "timeoutMs", 1..600000: one request, connecting included.
  absl::Duration timeout = absl::Seconds(10);
  // "retryInitialMs" and "retryMaxMs", 1..3600000, initial <= max: the
  // back-off after a failed request starts at the first and doubles up to
  // the second.
  absl::Duration retry_initial = absl::Milliseconds(500);
  absl::Duration retry_max = absl::Seconds(60);
};

// Parses the webhook file `path` (its text is `json`). An unknown key, a
// wrong type, a value out of range, a missing url, id or secret, both
// secretEnv and secretFile, an unset or empty variable, or a secretFile that
// others may read returns InvalidArgument naming the file and the key, e.g.
// "hook.json: retryMaxMs: must be at least retryInitialMs (500)". A syntax
// error names the line and column. The secret's value is never part of an
// error.
absl::StatusOr<WebhookConfig> ParseWebhookConfig(absl::string_view json,
                                                 absl::string_view path,
                                                 const EnvLookup& env);

// Reads and parses the webhook file at `path`.
absl::StatusOr<WebhookConfig> LoadWebhookConfig(const std::string& path,
                                                const EnvLookup& env);

}  // namespace herald

#endif  // HERALD_ENGINE_WEBHOOK_WEBHOOK_CONFIG_H_
