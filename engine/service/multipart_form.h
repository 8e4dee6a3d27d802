// A multipart/form-data body (RFC 7578, what `curl -F` sends) read as it
// arrives: the fields named as files are written to files of their own,
// the others kept in memory up to a small limit, so a body of any size
// costs the same memory. It is the BodySink behind the contact-list upload.
#ifndef HERALD_ENGINE_SERVICE_MULTIPART_FORM_H_
#define HERALD_ENGINE_SERVICE_MULTIPART_FORM_H_

#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/service/http_server.h"

namespace herald {

struct MultipartFormOptions {
  std::string file_dir;               // where file fields are written
  std::set<std::string> file_fields;  // e.g. {"file"}
  std::set<std::string> text_fields;  // e.g. {"name", "useCustomFields"}
  size_t max_text_bytes = 64 << 10;   // per text field
  size_t max_part_header_bytes = 16 << 10;
};

class MultipartForm : public BodySink {
 public:
  // InvalidArgument when `content_type` is not multipart/form-data with a
  // boundary.
  static absl::StatusOr<std::shared_ptr<MultipartForm>> Create(
      absl::string_view content_type, MultipartFormOptions options);
  // Removes the files not taken.
  ~MultipartForm() override;

  // InvalidArgument naming the field for a part that is not one of the
  // options' fields, comes twice or is too long, and for a body that is not
  // well-formed multipart; ResourceExhausted when the disk is full.
  absl::Status Append(absl::string_view bytes) override;
  // InvalidArgument when the closing boundary has not come.
  absl::Status Finish() override;

  // After Finish(): the text fields sent, by name.
  const std::map<std::string, std::string>& texts() const { return texts_; }
  // Whether a file field came.
  bool HasFile(const std::string& field) const;
  // The name the client gave the file ("contacts.csv"); empty if none.
  std::string FileName(const std::string& field) const;
  // The path of the file written for `field`, which the caller now owns (it
  // is no longer removed); empty when the field did not come.
  std::string TakeFile(const std::string& field);

 private:
  struct FilePart {
    std::string path;
    std::string client_name;
    bool taken = false;
  };
  enum class State { kPreamble, kAfterBoundary, kPartHeader, kPartBody, kEnd };

  MultipartForm(std::string boundary, MultipartFormOptions options);

  // Consumes what pending_ holds as far as the state machine can go.
  absl::Status Advance();
  absl::Status StartPart(absl::string_view header);
  absl::Status Emit(absl::string_view bytes);
  absl::Status EndPart();

  const std::string delimiter_;  // "\r\n--" + boundary
  const MultipartFormOptions options_;
  State state_ = State::kPreamble;
  std::string pending_;  // bytes not yet consumed, at most a delimiter's worth
                         // beyond a part header
  std::string part_name_;
  bool part_is_file_ = false;
  int fd_ = -1;  // the file of the part under way
  std::map<std::string, std::string> texts_;
  std::map<std::string, FilePart> files_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_MULTIPART_FORM_H_
