#include "tests/serve_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "tests/test_util.h"

namespace herald::testing {

ServeProcess::ServeProcess(std::vector<std::string> args, std::string log)
    : log_(std::move(log)) {
  args.insert(args.begin(), {HERALD_BINARY, "serve"});
  // What an earlier process wrote to the log is not this one's.
  const size_t start = FileExists(log_) ? ReadWholeFile(log_).size() : 0;
  pid_ = SpawnWithLog(args, log_);
  // The port is in the line "herald serve: http://127.0.0.1:PORT/v2/".
  for (int i = 0; i < 2000 && port_ == 0 && Running(); ++i) {
    const std::string text = ReadWholeFile(log_).substr(start);
    const size_t at = text.rfind("http://127.0.0.1:");
    if (at != std::string::npos) {
      absl::string_view rest = absl::string_view(text).substr(at + 17);
      if (!absl::SimpleAtoi(rest.substr(0, rest.find('/')), &port_)) {
        port_ = 0;
      }
    }
    if (port_ == 0) absl::SleepFor(absl::Milliseconds(10));
  }
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool ServeProcess::Running() {
  if (exited_) return false;
  if (waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
  return !exited_;
}

int ServeProcess::StopWith(int signal) {
  kill(pid_, signal);
  return Wait();
}

int ServeProcess::Wait() {
  if (!exited_) {
    waitpid(pid_, &status_, 0);
    exited_ = true;
  }
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

}  // namespace herald::testing
