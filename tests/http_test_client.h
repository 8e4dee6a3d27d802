// A blocking HTTP client for tests that drive a server on loopback
// (libcurl easy), with what they look at: status, headers, body.
#ifndef HERALD_TESTS_HTTP_TEST_CLIENT_H_
#define HERALD_TESTS_HTTP_TEST_CLIENT_H_

#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"

namespace herald::testing {

struct HttpReply {
  long status = 0;  // 0 when no answer came (curl's error in `error`)
  std::string body;
  std::string headers;  // the answer's header lines as received
  std::string error;
  // The body as JSON; null (and a test failure) when it is not.
  nlohmann::json Json() const;
};

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::string body;
  bool send_body = false;     // a body (even empty) with Content-Length
  std::string user_password;  // "user:password" for Basic auth; empty: none
  std::vector<std::string> headers;  // "Name: value"
  std::string ca_file;               // for https
  long timeout_ms = 30000;
};

HttpReply Send(const HttpCall& call);

}  // namespace herald::testing

#endif  // HERALD_TESTS_HTTP_TEST_CLIENT_H_
