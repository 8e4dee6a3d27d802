#include "engine/service/multipart_form.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/base/file_io.h"
#include "engine/base/utf8.h"

namespace herald {
namespace {

// How errors name the file an upload is written to: where the server
// spools it is none of the client's business.
constexpr char kUploadName[] = "the upload";

// RFC 2046's limit on a boundary's length.
constexpr size_t kMaxBoundary = 70;

// The value of `key` among the `; key=value` parameters of a header value,
// unquoted; nullopt when absent.
std::optional<std::string> Parameter(absl::string_view value,
                                     absl::string_view key) {
  for (absl::string_view item : absl::StrSplit(value, ';')) {
    item = absl::StripAsciiWhitespace(item);
    const size_t equals = item.find('=');
    if (equals == absl::string_view::npos) continue;
    if (!absl::EqualsIgnoreCase(
            absl::StripAsciiWhitespace(item.substr(0, equals)), key)) {
      continue;
    }
    absl::string_view v = absl::StripAsciiWhitespace(item.substr(equals + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
      v = v.substr(1, v.size() - 2);
    }
    return std::string(v);
  }
  return std::nullopt;
}

std::string Expected(const MultipartFormOptions& options) {
  std::vector<std::string> names(options.file_fields.begin(),
                                 options.file_fields.end());
  names.insert(names.end(), options.text_fields.begin(),
               options.text_fields.end());
  return absl::StrJoin(names, ", ");
}

// A file name unique in this process.
std::string NewFilePath(const std::string& dir) {
  static std::atomic<uint64_t> next{0};
  return absl::StrCat(dir, "/upload-", getpid(), "-", next.fetch_add(1),
                      ".part");
}

}  // namespace

absl::StatusOr<std::shared_ptr<MultipartForm>> MultipartForm::Create(
    absl::string_view content_type, MultipartFormOptions options) {
  const absl::string_view media = absl::StripAsciiWhitespace(
      content_type.substr(0, content_type.find(';')));
  if (!absl::EqualsIgnoreCase(media, "multipart/form-data")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Content-Type: expected multipart/form-data (curl -F), got \"",
        content_type, "\""));
  }
  const std::optional<std::string> boundary =
      Parameter(content_type, "boundary");
  if (!boundary.has_value() || boundary->empty() ||
      boundary->size() > kMaxBoundary) {
    return absl::InvalidArgumentError(
        "Content-Type: multipart/form-data needs a boundary of 1 to 70 "
        "characters");
  }
  return std::shared_ptr<MultipartForm>(
      new MultipartForm(*boundary, std::move(options)));
}

MultipartForm::MultipartForm(std::string boundary, MultipartFormOptions options)
    : delimiter_(absl::StrCat("\r\n--", boundary)),
      options_(std::move(options)),
      // The first boundary may open the body without a line break before it.
      pending_("\r\n") {}

MultipartForm::~MultipartForm() {
  if (fd_ >= 0) close(fd_);
  for (const auto& [name, file] : files_) {
    if (!file.taken) unlink(file.path.c_str());
  }
}

bool MultipartForm::HasFile(const std::string& field) const {
  return files_.contains(field);
}

std::string MultipartForm::FileName(const std::string& field) const {
  auto it = files_.find(field);
  return it == files_.end() ? "" : it->second.client_name;
}

std::string MultipartForm::TakeFile(const std::string& field) {
  auto it = files_.find(field);
  if (it == files_.end()) return "";
  it->second.taken = true;
  return it->second.path;
}

absl::Status MultipartForm::Append(absl::string_view bytes) {
  if (state_ == State::kEnd) return absl::OkStatus();  // the epilogue
  pending_.append(bytes.data(), bytes.size());
  return Advance();
}

absl::Status MultipartForm::Finish() {
  if (state_ != State::kEnd) {
    return absl::InvalidArgumentError(
        "the multipart body ends before its closing boundary");
  }
  return absl::OkStatus();
}

absl::Status MultipartForm::Advance() {
  for (;;) {
    switch (state_) {
      case State::kPreamble:
      case State::kPartBody: {
        const size_t at = pending_.find(delimiter_);
        if (at == std::string::npos) {
          // What cannot be the start of a delimiter is the part's.
          const size_t keep = std::min(pending_.size(), delimiter_.size() - 1);
          const size_t out = pending_.size() - keep;
          if (state_ == State::kPartBody && out > 0) {
            if (absl::Status s =
                    Emit(absl::string_view(pending_).substr(0, out));
                !s.ok()) {
              return s;
            }
          }
          pending_.erase(0, out);
          return absl::OkStatus();
        }
        if (state_ == State::kPartBody) {
          if (absl::Status s = Emit(absl::string_view(pending_).substr(0, at));
              !s.ok()) {
            return s;
          }
          if (absl::Status s = EndPart(); !s.ok()) return s;
        }
        pending_.erase(0, at + delimiter_.size());
        state_ = State::kAfterBoundary;
        break;
      }
      case State::kAfterBoundary: {
        if (pending_.size() < 2) return absl::OkStatus();
        if (absl::StartsWith(pending_, "--")) {
          state_ = State::kEnd;
          pending_.clear();
          return absl::OkStatus();
        }
        // Transport padding (spaces, tabs) may follow a boundary. Judged
        // on what has come so far, so that the verdict is the same however
        // the body is cut.
        const size_t line_end = pending_.find("\r\n");
        absl::string_view padding =
            absl::string_view(pending_).substr(0, line_end);
        if (line_end == std::string::npos) {
          padding = absl::StripSuffix(padding, "\r");  // its LF may follow
        }
        if (padding.find_first_not_of(" \t") != absl::string_view::npos) {
          return absl::InvalidArgumentError(
              "multipart: text after a boundary on its line");
        }
        if (padding.size() > kMaxBoundary) {
          return absl::InvalidArgumentError(
              "multipart: a boundary line does not end");
        }
        if (line_end == std::string::npos) return absl::OkStatus();
        pending_.erase(0, line_end + 2);
        state_ = State::kPartHeader;
        break;
      }
      case State::kPartHeader: {
        const size_t end = pending_.find("\r\n\r\n");
        if ((end == std::string::npos ? pending_.size() : end + 4) >
            options_.max_part_header_bytes) {
          return absl::InvalidArgumentError(
              absl::StrCat("multipart: a part's header is longer than ",
                           options_.max_part_header_bytes, " bytes"));
        }
        if (end == std::string::npos) return absl::OkStatus();
        if (absl::Status s =
                StartPart(absl::string_view(pending_).substr(0, end + 2));
            !s.ok()) {
          return s;
        }
        // An empty body: the delimiter (with its line break) comes next.
        pending_.erase(0, end + 4);
        state_ = State::kPartBody;
        break;
      }
      case State::kEnd:
        return absl::OkStatus();
    }
  }
}

absl::Status MultipartForm::StartPart(absl::string_view header) {
  std::optional<std::string> name;
  std::optional<std::string> filename;
  for (absl::string_view line : absl::StrSplit(header, "\r\n")) {
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    if (!absl::EqualsIgnoreCase(
            absl::StripAsciiWhitespace(line.substr(0, colon)),
            "Content-Disposition")) {
      continue;
    }
    const absl::string_view value = line.substr(colon + 1);
    name = Parameter(value, "name");
    filename = Parameter(value, "filename");
  }
  if (!name.has_value()) {
    return absl::InvalidArgumentError(
        "multipart: a part has no Content-Disposition name");
  }
  // Quoted in errors, which must be text whatever the client sent.
  part_name_ = *name;
  part_is_file_ = options_.file_fields.contains(part_name_);
  if (!part_is_file_ && !options_.text_fields.contains(part_name_)) {
    return absl::InvalidArgumentError(absl::StrCat(ValidUtf8(part_name_),
                                                   ": unknown field; expected ",
                                                   Expected(options_)));
  }
  if (texts_.contains(part_name_) || files_.contains(part_name_)) {
    return absl::InvalidArgumentError(
        absl::StrCat(ValidUtf8(part_name_), ": the field comes twice"));
  }
  if (!part_is_file_) {
    texts_[part_name_];
    return absl::OkStatus();
  }
  FilePart& file = files_[part_name_];
  file.path = NewFilePath(options_.file_dir);
  file.client_name = filename.value_or("");
  fd_ = open(file.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    const int err = errno;
    files_.erase(part_name_);
    return ErrnoStatus(err, "cannot be written", kUploadName);
  }
  return absl::OkStatus();
}

absl::Status MultipartForm::Emit(absl::string_view bytes) {
  if (!part_is_file_) {
    std::string& text = texts_[part_name_];
    if (text.size() + bytes.size() > options_.max_text_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          part_name_, ": longer than ", options_.max_text_bytes, " bytes"));
    }
    text.append(bytes.data(), bytes.size());
    return absl::OkStatus();
  }
  while (!bytes.empty()) {
    const ssize_t n = write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "cannot be written", kUploadName);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status MultipartForm::EndPart() {
  if (!part_is_file_) return absl::OkStatus();
  const int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) {
    return ErrnoStatus(errno, "cannot be written", kUploadName);
  }
  return absl::OkStatus();
}

}  // namespace herald
