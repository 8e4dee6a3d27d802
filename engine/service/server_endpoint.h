// Where herald serve listens and with which certificate: the pieces of the
// HTTP server's setup that are checked before anything is served.
#ifndef HERALD_ENGINE_SERVICE_SERVER_ENDPOINT_H_
#define HERALD_ENGINE_SERVICE_SERVER_ENDPOINT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl.hpp"

namespace herald {

// "HOST:PORT" ("[::1]:8080", "localhost:0") as an endpoint;
// InvalidArgument quoting the address for anything else.
absl::StatusOr<boost::asio::ip::tcp::endpoint> ParseListenAddress(
    const std::string& listen);

// Gives `context` the PEM certificate chain and private key, with TLS 1.2
// at least; InvalidArgument naming the file that cannot be used.
absl::Status LoadTlsIdentity(const std::string& cert_file,
                             const std::string& key_file,
                             boost::asio::ssl::context* context);

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_SERVER_ENDPOINT_H_
