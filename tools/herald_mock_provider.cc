// herald-mock-provider: a mock SMS provider for tests, the demo and the
// benchmarks. Speaks CallFire's POST /texts and Kannel's sendsms on
// 127.0.0.1, logs every message it accepts, and injects faults on request.
//
//   MOCK_PASSWORD=secret herald-mock-provider --port 0 --user herald
//       --log arrived.jsonl --error-rate 0.05 --rate-limit 100 --seed 7
//
// The first line on stdout is "listening on 127.0.0.1:PORT". SIGINT or
// SIGTERM (or --max-seconds) stop it cleanly: the log is flushed and the
// final /stats counts are printed on stderr. See tools/mock_provider/README.md.
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/file_io.h"
#include "tools/mock_provider/options.h"
#include "tools/mock_provider/server.h"

namespace herald::mock_provider {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitBadFlags = 2;

void PrintError(const absl::Status& status) {
  std::fprintf(stderr, "herald-mock-provider: %.*s\n",
               static_cast<int>(status.message().size()),
               status.message().data());
}

// The defaults go into --help, since most runs leave most faults off.
template <typename Int>
void AddCount(CLI::App& app, const std::string& name, Int& count,
              const std::string& help) {
  app.add_option(name, count, help)
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

void AddShare(CLI::App& app, const std::string& name, double& share,
              const std::string& help) {
  app.add_option(name, share, help)
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
}

// Waits for SIGINT or SIGTERM, or `max_seconds` when positive. The signals
// must be blocked in every thread, so that they stay pending for sigwait.
void WaitForStop(const sigset_t& signals, int max_seconds) {
  if (max_seconds <= 0) {
    int signal;
    sigwait(&signals, &signal);
    return;
  }
  timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += max_seconds;
  for (;;) {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    timespec left{deadline.tv_sec - now.tv_sec, deadline.tv_nsec - now.tv_nsec};
    if (left.tv_nsec < 0) {
      left.tv_nsec += 1000000000;
      --left.tv_sec;
    }
    if (left.tv_sec < 0) return;
    if (sigtimedwait(&signals, nullptr, &left) >= 0 || errno != EINTR) return;
  }
}

}  // namespace
}  // namespace herald::mock_provider

int main(int argc, char** argv) {
  namespace mp = herald::mock_provider;
  CLI::App app{
      "herald-mock-provider: a mock SMS provider (CallFire /texts, Kannel "
      "sendsms) on 127.0.0.1 with fault injection"};
  mp::Options options;
  mp::FaultOptions& faults = options.faults;
  std::string password_file;
  std::string hook_secret_env;
  int max_seconds = 0;
  app.add_option("--port", options.port, "Port on 127.0.0.1; 0 picks one")
      ->capture_default_str();
  app.add_option("--threads", options.threads, "Threads serving connections")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--user", options.user,
                 "Require this user (Basic auth for /texts, username for "
                 "sendsms); the password comes from $MOCK_PASSWORD or "
                 "--password-file");
  app.add_option("--password-file", password_file,
                 "File holding the password (mode 0600)");
  app.add_option("--log", options.log_path,
                 "Write every accepted message to this JSON-lines file");
  app.add_option("--log-flush-ms", options.log_flush_ms,
                 "Write the log out at least this often")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seed", options.seed, "Seed of the fault decisions")
      ->capture_default_str();
  mp::AddCount(app, "--max-seconds", max_seconds,
               "Stop by itself after this many seconds; 0 never");
  mp::AddCount(app, "--latency-ms", faults.latency_ms, "Delay of every answer");
  mp::AddCount(app, "--latency-jitter-ms", faults.latency_jitter_ms,
               "Uniform random extra delay, 0..N ms");
  mp::AddShare(app, "--error-rate", faults.error_rate,
               "Share of requests answered 500 or 503, accepting nothing");
  mp::AddCount(app, "--rate-limit", faults.rate_limit,
               "Messages per second per sender (sliding 1 s window); over "
               "it, 429. 0 is unlimited");
  mp::AddCount(app, "--retry-after", faults.retry_after_s,
               "Retry-After seconds of a 429");
  mp::AddShare(app, "--reset-rate", faults.reset_rate,
               "Share of requests whose connection is reset unanswered");
  mp::AddShare(app, "--hang-rate", faults.hang_rate,
               "Share of requests never answered");
  mp::AddShare(app, "--garbage-rate", faults.garbage_rate,
               "Share of requests answered 200 with a malformed body, "
               "accepting nothing");
  mp::AddShare(app, "--echo-rate", faults.echo_rate,
               "Share of requests answered 400 or 500 with the request "
               "(headers, credentials and body) echoed back");
  app.add_option("--hook-secret-env", hook_secret_env,
                 "Check the X-Herald-Signature of POST /hooks requests with "
                 "the secret in this environment variable; 401 when wrong");
  mp::AddCount(app, "--hook-fail-first", options.hook_fail_first,
               "Answer the first N POST /hooks requests 500");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : mp::kExitBadFlags;
  }

  const char* env_password = std::getenv("MOCK_PASSWORD");
  if (!password_file.empty()) {
    absl::StatusOr<std::string> password =
        herald::ReadSecretFile(password_file);
    if (!password.ok()) {
      mp::PrintError(password.status());
      return mp::kExitBadFlags;
    }
    options.password = *std::move(password);
  } else if (env_password != nullptr && !options.user.empty()) {
    options.password = env_password;
  }
  if (!hook_secret_env.empty()) {
    const char* secret = std::getenv(hook_secret_env.c_str());
    if (secret == nullptr || *secret == '\0') {
      std::fprintf(stderr,
                   "herald-mock-provider: --hook-secret-env: the environment "
                   "variable %s is not set or empty\n",
                   hook_secret_env.c_str());
      return mp::kExitBadFlags;
    }
    options.hook_secret = secret;
  }
  if (absl::Status s = mp::ValidateOptions(options); !s.ok()) {
    mp::PrintError(s);
    return mp::kExitBadFlags;
  }

  // Blocked before the server's threads start, so they inherit the mask and
  // the signals wait for WaitForStop.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::unique_ptr<mp::MockProvider>> provider =
      mp::MockProvider::Start(options);
  if (!provider.ok()) {
    mp::PrintError(provider.status());
    return mp::kExitFailed;
  }
  std::printf("listening on 127.0.0.1:%u\n",
              static_cast<unsigned>((*provider)->port()));
  std::fflush(stdout);

  mp::WaitForStop(signals, max_seconds);
  const absl::Status stopped = (*provider)->Stop();
  const std::string stats = mp::StatsJson((*provider)->stats());
  std::fprintf(stderr, "herald-mock-provider: stopped; %s\n", stats.c_str());
  if (!stopped.ok()) {
    mp::PrintError(stopped);
    return mp::kExitFailed;
  }
  return 0;
}
