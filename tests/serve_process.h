// `herald serve` as a child process, for the tests that drive the binary:
// started with its output in a log, its port read from the line it says it
// listens on, stopped with a signal.
#ifndef HERALD_TESTS_SERVE_PROCESS_H_
#define HERALD_TESTS_SERVE_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace herald::testing {

// A running `herald serve` (HERALD_BINARY) and the port it said it listens
// on; killed when it goes, unless it has exited.
class ServeProcess {
 public:
  // Starts `herald serve ARGS...`, its output appended to `log`, and waits
  // (up to 20 s) for its "http://127.0.0.1:PORT/" line; port() is 0 if it
  // never came.
  ServeProcess(std::vector<std::string> args, std::string log);
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  int port() const { return port_; }
  bool Running();
  // Sends `signal` and returns the exit status (-1 if it did not exit).
  int StopWith(int signal);
  int Wait();

 private:
  std::string log_;
  pid_t pid_ = -1;
  int port_ = 0;
  int status_ = 0;
  bool exited_ = false;
};

}  // namespace herald::testing

#endif  // HERALD_TESTS_SERVE_PROCESS_H_
