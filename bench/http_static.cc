// herald's HTTP server (engine/service/http_server.h) answering every
// request with the same body: the baseline bench/api.sh puts beside the API,
// so that the API's own cost shows.
//
//   http_static BODY_FILE    listens on 127.0.0.1, a free port, printed on
//                            stdout; stops on SIGTERM
#include <pthread.h>

#include <csignal>
#include <iostream>

#include "engine/base/file_io.h"
#include "engine/service/http_server.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: http_static BODY_FILE\n";
    return 2;
  }
  absl::StatusOr<std::string> body = herald::ReadFile(argv[1]);
  if (!body.ok()) {
    std::cerr << body.status().message() << "\n";
    return 2;
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  herald::HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  auto server = herald::HttpServer::Start(
      options,
      [&](const herald::ServerRequest&) {
        herald::ServerResponse response;
        response.body = *body;
        return response;
      },
      [](const herald::ServerRequest&) {
        return std::optional<herald::ServerResponse>();
      });
  if (!server.ok()) {
    std::cerr << server.status().message() << "\n";
    return 1;
  }
  std::cout << (*server)->port() << std::endl;
  int signal = 0;
  sigwait(&stop, &signal);
  (*server)->Stop();
  return 0;
}
