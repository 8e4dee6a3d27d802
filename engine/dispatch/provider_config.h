// The providers file: which HTTP providers herald may send through, how to
// reach them, and their rate limits.
//
//   {"providers":[{"name":"k1","type":"kannel",
//     "url":"http://127.0.0.1:13013/cgi-bin/sendsms","username":"tester",
//     "passwordEnv":"KANNEL_PASSWORD","segmentsPerSecond":300,"burst":30,
//     "maxActive":32}]}
//
// Credentials never come from the campaign JSON, and never from the providers
// file itself: a provider names an environment variable (`passwordEnv`) or a
// file readable by its owner only (`passwordFile`, mode 0600 or stricter).
// The password is never part of an error message, a log or a report.
#ifndef HERALD_ENGINE_DISPATCH_PROVIDER_CONFIG_H_
#define HERALD_ENGINE_DISPATCH_PROVIDER_CONFIG_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "herald/texts.h"
#include "ratelimit/lane_config.h"

namespace herald {

enum class ProviderType {
  kCallFire,  // POST {url}/texts, a JSON array of TextRecipient per request
  kKannel,    // Kannel smsbox's cgi-bin/sendsms, one message per GET request
              // (smsbox takes no form POST), so its query carries the
              // password: the URL must never be logged
  kHttp,      // one request per message from the templates below
};

// How the `http` type answers map to what became of the text.
enum class StatusVerdict {
  kSent,       // SENT
  kInvalid,    // the provider refused the number or text: INVALID
  kThrottled,  // slow down; the text goes again after the pause
  kCarrierError,
  kCarrierTempError,
  kInternalError,
};

// The `http` type: one request per message. Placeholders ${to} (11 digits),
// ${toE164} ("+1..."), ${from}, ${message}, ${key} (the idempotency key),
// ${segments} and ${encoding} ("GSM-7"/"UCS-2") may appear in `url`, header
// values and `body`; in `url` they are percent-encoded, in `body` escaped as
// `body_escaping` says (json: inside a JSON string, without quotes), in
// headers inserted as they are (so ${message}, which may hold a line break,
// is refused there). An Idempotency-Key header carrying ${key} is added
// unless `headers` has one, and a Content-Type that follows `body_escaping`
// unless `headers` has one. `username` goes as HTTP Basic auth.
struct HttpTemplate {
  enum class Escaping { kJson, kForm, kNone };
  std::string method = "POST";                               // "method"
  std::vector<std::pair<std::string, std::string>> headers;  // "headers"
  std::string body;                                          // "body"
  Escaping body_escaping = Escaping::kJson;                  // "bodyEscaping"
  // "statusResults": keys are an exact status ("202") or a class ("2xx");
  // the exact key wins. A class key does not cover 401, 403 and 429, which
  // mean the same everywhere; only an exact key changes them. Statuses no
  // key covers: 2xx SENT, 401/403 the credentials refused (the run stops),
  // 429 THROTTLED, other 4xx INVALID, 5xx CARRIER_TEMP_ERROR.
  std::vector<std::pair<std::string, StatusVerdict>> status_results;
};

struct ProviderConfig {
  std::string name;  // "name", unique in the file
  ProviderType type = ProviderType::kCallFire;
  // "url": callfire, the API base ("https://api.callfire.com/v2", herald
  // appends "/texts"); kannel, the sendsms URL; http, the URL template.
  std::string url;
  // "username"; empty: no credentials are sent. callfire and http send it
  // as HTTP Basic auth, kannel as its username/password parameters.
  std::string username;
  std::string password;  // read from passwordEnv / passwordFile; secret
  LaneConfig lanes;      // the rate knobs and "senders" (ratelimit/)
  // "batchSize": texts per request, 1..1000; callfire only (default 100),
  // the other types send one text per request.
  int batch_size = 1;
  absl::Duration timeout = absl::Seconds(30);         // "timeoutMs"
  absl::Duration connect_timeout = absl::Seconds(5);  // "connectTimeoutMs"
  std::string ca_file;  // "caFile": a PEM bundle to trust besides the system's
  std::string campaign_id;  // "campaignId": callfire, sent as ?campaignId=
  // "callbackUrl": herald's listener as the provider reaches it
  // ("http://10.0.0.5:8080"); kannel then asks for delivery receipts at
  // {callbackUrl}/callbacks/{name}/receipt (dlr-mask, dlr-url). Empty: none
  // asked for.
  std::string callback_url;
  // From "callbackSecretEnv" / "callbackSecretFile" (0600): what a caller of
  // /callbacks/{name}/... must give as its `secret` parameter. At least 16
  // letters, digits, '-', '_', '.' or '~'. Empty: the callbacks refuse
  // every caller. Secret: never logged.
  std::string callback_secret;
  HttpTemplate http;  // "method", "headers", "body", ... for type http
};

// Looks up an environment variable; nullopt when unset. The seam lets tests
// pass their own environment.
using EnvLookup = std::function<std::optional<std::string>(absl::string_view)>;

// The process environment.
std::optional<std::string> ProcessEnv(absl::string_view name);

// Parses the providers file `path` (its text is `json`). Every field is
// checked: an unknown key, a wrong type, a missing url, a duplicate name, an
// unset passwordEnv variable or a passwordFile that others may read returns
// InvalidArgument naming the file and the field, e.g.
// "providers.json: providers[1].passwordFile: /etc/p: group or others may
// access it (mode 0644); chmod 600 it first". A syntax error names the line
// and column. `passwordFile` and `caFile` paths are relative to the file's
// folder. The password's value is never part of an error.
absl::StatusOr<std::vector<ProviderConfig>> ParseProvidersFile(
    absl::string_view json, absl::string_view path, const EnvLookup& env);

// Reads and parses the providers file at `path`.
absl::StatusOr<std::vector<ProviderConfig>> LoadProvidersFile(
    const std::string& path, const EnvLookup& env);

// The type's name as the file spells it: "callfire", "kannel", "http".
absl::string_view ProviderTypeName(ProviderType type);

}  // namespace herald

#endif  // HERALD_ENGINE_DISPATCH_PROVIDER_CONFIG_H_
