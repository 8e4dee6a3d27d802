// `herald serve`: the CallFire v2 REST API over an Engine on a state
// directory, until SIGTERM or SIGINT (docs/API.md).
#include <pthread.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/file_io.h"
#include "engine/service/api_server.h"
#include "herald/engine.h"
#include "tools/cli_common.h"
#include "tools/commands.h"

namespace herald {

int Serve(const ServeFlags& flags) {
  // Blocked here, before any thread starts, so that every thread inherits
  // the mask and the signals wait for sigwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  if (flags.state.empty()) {
    return Fail(absl::InvalidArgumentError(
        "--state: give the state directory herald serve keeps"));
  }
  ApiServerOptions options;
  options.http.listen = flags.listen;
  options.http.tls_cert_file = flags.tls_cert;
  options.http.tls_key_file = flags.tls_key;
  options.http.body_limit = flags.body_limit;
  options.http.streamed_body_limit = flags.upload_limit;
  options.http.max_connections = flags.max_connections;
  options.http.handler_threads = flags.handler_threads;
  options.http.idle_timeout = absl::Seconds(flags.idle_timeout_seconds);
  options.http.header_timeout = absl::Seconds(flags.header_timeout_seconds);
  options.api.provider = flags.provider;
  if (!flags.credentials.empty()) {
    absl::StatusOr<ApiCredentials> credentials =
        ApiCredentials::Load(flags.credentials);
    if (!credentials.ok()) return Fail(credentials.status());
    options.credentials = *std::move(credentials);
  }
  if (!flags.webhook_secret_file.empty()) {
    absl::StatusOr<std::string> secret =
        ReadSecretFile(flags.webhook_secret_file);
    if (!secret.ok()) return Fail(secret.status());
    options.api.webhook_secret = *std::move(secret);
  } else if (const char* secret = std::getenv("HERALD_WEBHOOK_SECRET")) {
    options.api.webhook_secret = secret;
  }
  if (!flags.provider.empty() && flags.providers.empty()) {
    return Fail(absl::InvalidArgumentError(
        "--provider needs --providers, the file that describes it"));
  }

  if (!flags.providers.empty()) {
    absl::StatusOr<std::vector<ProviderConfig>> providers =
        LoadProvidersFile(flags.providers, ProcessEnv);
    if (!providers.ok()) return Fail(providers.status());
    options.providers = *std::move(providers);
  }

  EngineOptions engine_options;
  engine_options.state_dir = flags.state;
  engine_options.providers_file = flags.providers;
  engine_options.workers = flags.workers;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(engine_options);
  if (!engine.ok()) return Fail(engine.status());
  // Uploads under way when an earlier server ended are of no one now (the
  // engine's lock says no other server uses this directory).
  options.api.upload_dir = flags.state + "/uploads";
  std::error_code ignored;
  std::filesystem::remove_all(options.api.upload_dir, ignored);
  if (absl::Status s = MakeDirectories(options.api.upload_dir); !s.ok()) {
    return Fail(s);
  }
  absl::StatusOr<std::unique_ptr<ApiServer>> server =
      ApiServer::Start(engine->get(), std::move(options));
  if (!server.ok()) return Fail(server.status());

  if (!(*server)->SignsWebhooks()) {
    if (absl::StatusOr<WebhookPage> hooks = (*engine)->FindWebhooks({});
        hooks.ok() && hooks->total_count > 0) {
      std::cerr << "herald serve: no webhook secret (--webhook-secret-file or "
                   "HERALD_WEBHOOK_SECRET): the events of the account's "
                << hooks->total_count
                << " webhook(s) wait in the outbox until a server has one"
                << std::endl;
    }
  }
  const bool tls = !flags.tls_cert.empty();
  const std::string host = flags.listen.substr(0, flags.listen.rfind(':'));
  std::cerr << "herald serve: " << (tls ? "https://" : "http://") << host << ":"
            << (*server)->port() << "/v2/ (state " << flags.state
            << (flags.credentials.empty()
                    ? "; no --credentials: requests are not authenticated"
                    : "")
            << ")" << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::cerr << "herald serve: " << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
            << ": answering the requests under way, then stopping the "
               "broadcasts (they carry on at the next start)"
            << std::endl;
  (*server)->Stop();
  server->reset();
  engine->reset();  // stops the runs; RUNNING broadcasts stay RUNNING
  return kExitCompleted;
}

}  // namespace herald
