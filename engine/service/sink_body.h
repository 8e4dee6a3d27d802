// A Boost.Beast body type that hands a request's body, as it is read, to
// a BodySink (http_server.h), keeping the sink's first error for the
// session to answer with.
#ifndef HERALD_ENGINE_SERVICE_SINK_BODY_H_
#define HERALD_ENGINE_SERVICE_SINK_BODY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "boost/asio/error.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/optional.hpp"
#include "engine/service/http_server.h"

namespace herald {

// The HTTP status of a sink's error (BodySink says which).
inline int SinkErrorStatus(const absl::Status& error) {
  switch (error.code()) {
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kOutOfRange:
      return 413;
    case absl::StatusCode::kResourceExhausted:
      return 507;
    default:
      return 500;
  }
}

// A Beast body that hands what it reads to a BodySink and keeps the sink's
// first error, so that the session can answer with it.
struct SinkBody {
  struct value_type {
    std::shared_ptr<BodySink> sink;
    absl::Status failure;
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body)
        : body_(body) {}

    void init(const boost::optional<std::uint64_t>&,
              boost::system::error_code& ec) {
      ec = {};
    }

    template <class ConstBufferSequence>
    size_t put(const ConstBufferSequence& buffers,
               boost::system::error_code& ec) {
      size_t taken = 0;
      for (const boost::asio::const_buffer piece :
           boost::beast::buffers_range_ref(buffers)) {
        if (!Check(body_.sink->Append(absl::string_view(
                       static_cast<const char*>(piece.data()), piece.size())),
                   ec)) {
          return taken;
        }
        taken += piece.size();
      }
      ec = {};
      return taken;
    }

    void finish(boost::system::error_code& ec) {
      if (Check(body_.sink->Finish(), ec)) ec = {};
    }

   private:
    bool Check(absl::Status status, boost::system::error_code& ec) {
      if (status.ok()) return true;
      body_.failure = std::move(status);
      ec = boost::asio::error::operation_aborted;
      return false;
    }

    value_type& body_;
  };
};

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_SINK_BODY_H_
