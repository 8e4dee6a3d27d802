// Reading JSON input files field by field, with errors that name the file
// and the field's path ("campaign.json: retryConfig.maxAttempts: ...") or,
// for a syntax error, the line and column. Shared by the broadcast
// definition and the providers file.
//
// Header-only so that each library that reads a file keeps nlohmann_json a
// private dependency of its own.
#ifndef HERALD_ENGINE_BASE_JSON_FIELD_H_
#define HERALD_ENGINE_BASE_JSON_FIELD_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "engine/base/enum_names.h"
#include "engine/base/utf8.h"
#include "nlohmann/json.hpp"

namespace herald {

// Validates one JSON value at a dotted path and reports errors that name it.
// Checking is by hand rather than with json::get<>, whose exceptions would
// name a C++ type instead of the user's field.
class JsonField {
 public:
  using Handler = std::function<absl::Status(const JsonField&)>;

  JsonField(absl::string_view source, std::string path,
            const nlohmann::json& value)
      : source_(source), path_(std::move(path)), value_(value) {}

  const nlohmann::json& value() const { return value_; }
  const std::string& path() const { return path_; }

  JsonField Child(absl::string_view key, const nlohmann::json& value) const {
    return JsonField(
        source_,
        path_.empty() ? std::string(key) : absl::StrCat(path_, ".", key),
        value);
  }
  JsonField Element(size_t index, const nlohmann::json& value) const {
    return JsonField(source_, absl::StrCat(path_, "[", index, "]"), value);
  }

  absl::Status Error(absl::string_view problem) const {
    return absl::InvalidArgumentError(
        path_.empty() ? absl::StrCat(source_, ": ", problem)
                      : absl::StrCat(source_, ": ", path_, ": ", problem));
  }

  absl::StatusOr<std::string> String() const {
    if (!value_.is_string()) return Error(Expected("a string"));
    return value_.get<std::string>();
  }

  // Also takes the strings "true" and "false", as CallFire's examples send.
  absl::StatusOr<bool> Bool() const {
    if (value_.is_boolean()) return value_.get<bool>();
    if (value_.is_string()) {
      const std::string& text = value_.get_ref<const std::string&>();
      if (text == "true") return true;
      if (text == "false") return false;
    }
    return Error(Expected("true or false"));
  }

  absl::StatusOr<int> Int(int min, int max) const {
    if (!value_.is_number_integer()) {
      return Error(
          Expected(absl::StrCat("an integer from ", min, " to ", max)));
    }
    // Past INT64_MAX only an unsigned read is exact; any such value is out
    // of range, and the message quotes it as written.
    const int64_t v = value_.is_number_unsigned() &&
                              value_.get<uint64_t>() > uint64_t{INT64_MAX}
                          ? INT64_MAX
                          : value_.get<int64_t>();
    if (v < min || v > max) {
      return Error(absl::StrCat("must be from ", min, " to ", max, ", got ",
                                value_.dump()));
    }
    return static_cast<int>(v);
  }

  // A positive int64 id, read exactly (never through a double).
  absl::StatusOr<int64_t> Id() const {
    if (!value_.is_number_integer() ||
        (value_.is_number_unsigned() &&
         value_.get<uint64_t>() > uint64_t{INT64_MAX}) ||
        value_.get<int64_t>() <= 0) {
      return Error(Expected("a positive integer id"));
    }
    return value_.get<int64_t>();
  }

  // Calls `each` for every element of an array.
  absl::Status Array(const Handler& each) const {
    if (!value_.is_array()) return Error(Expected("an array"));
    for (size_t i = 0; i < value_.size(); ++i) {
      if (absl::Status s = each(Element(i, value_[i])); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // Calls the handler registered for each member of an object; a member with
  // no handler is an unknown field.
  absl::Status Object(const std::vector<std::pair<absl::string_view, Handler>>&
                          handlers) const {
    if (!value_.is_object()) return Error(Expected("an object"));
    for (const auto& [key, member] : value_.items()) {
      // Named, not captured: clang before 16 cannot capture a binding.
      const absl::string_view name = key;
      auto it = std::find_if(handlers.begin(), handlers.end(),
                             [name](const auto& h) { return h.first == name; });
      if (it == handlers.end()) {
        std::vector<absl::string_view> known;
        for (const auto& h : handlers) known.push_back(h.first);
        return Child(key, member)
            .Error(absl::StrCat("unknown field (known here: ",
                                absl::StrJoin(known, ", "), ")"));
      }
      if (absl::Status s = it->second(Child(key, member)); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // "expected <what>, got <the value's type and value>".
  std::string Expected(absl::string_view what) const {
    return absl::StrCat(
        "expected ", what, ", got ", value_.type_name(),
        value_.is_primitive() ? absl::StrCat(" ", value_.dump()) : "");
  }

 private:
  absl::string_view source_;
  std::string path_;
  const nlohmann::json& value_;
};

// Wraps a StatusOr-returning read so a handler can assign in one line.
template <typename T, typename Read>
absl::Status AssignField(T* target, Read read) {
  auto value = read();
  if (!value.ok()) return value.status();
  *target = *std::move(value);
  return absl::OkStatus();
}

// Reads a string that must be one of `table`'s names.
template <typename T, size_t N>
absl::Status ParseJsonEnum(const JsonField& field, const EnumNames<T, N>& table,
                           T* out) {
  absl::StatusOr<std::string> name = field.String();
  if (!name.ok()) return name.status();
  const std::optional<T> value = ValueNamed(table, *name);
  if (!value.has_value()) {
    return field.Error(absl::StrCat("unknown value \"", *name,
                                    "\" (expected one of ", JoinedNames(table),
                                    ")"));
  }
  *out = *value;
  return absl::OkStatus();
}

// The field's string, which must not be empty.
inline absl::StatusOr<std::string> NonEmptyString(const JsonField& field) {
  absl::StatusOr<std::string> text = field.String();
  if (text.ok() && text->empty()) return field.Error("must not be empty");
  return text;
}

// Checks that `url` is http:// or https:// with a host, a port (when given)
// of 1 to 65535 and no credentials in it (`instead` says where they go).
// The value is never quoted back: a URL may carry a secret in its query.
inline absl::Status CheckHttpUrl(const JsonField& field, absl::string_view url,
                                 absl::string_view instead) {
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "http://") &&
      !absl::ConsumePrefix(&rest, "https://")) {
    return field.Error("must start with http:// or https://");
  }
  const absl::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty()) return field.Error("names no host");
  if (authority.find('@') != absl::string_view::npos) {
    return field.Error(absl::StrCat("must not carry credentials; ", instead));
  }
  absl::string_view host = authority;
  absl::string_view port;
  if (absl::ConsumePrefix(&host, "[")) {  // an IPv6 address
    const size_t close = host.find(']');
    if (close == absl::string_view::npos) {
      return field.Error("has an IPv6 host without its closing ']'");
    }
    absl::string_view rest = host.substr(close + 1);
    host = host.substr(0, close);
    if (!rest.empty() && !absl::ConsumePrefix(&rest, ":")) {
      return field.Error("has text after its IPv6 host");
    }
    port = rest;
  } else if (const size_t colon = host.rfind(':');
             colon != absl::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return field.Error("names no host");
  if (authority.find(':') != absl::string_view::npos &&
      !absl::StartsWith(authority, "[") && port.empty()) {
    return field.Error("has a ':' but no port after it");
  }
  if (!port.empty()) {
    int value = 0;
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) ||
        (value = std::stoi(std::string(port))) < 1 || value > 65535) {
      return field.Error("port must be a number from 1 to 65535");
    }
  }
  return absl::OkStatus();
}

namespace json_internal {

// Line and column (1-based) of byte `offset` of `text`.
inline std::string LineAndColumn(absl::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return absl::StrCat("line ", line, ", column ", column);
}

// nlohmann's words without its "[json.exception.parse_error.101] ..." prefix,
// as valid UTF-8: they quote the bytes last read, which may be the very
// bytes that were not UTF-8.
inline std::string Words(const nlohmann::json::exception& e) {
  const std::string what = e.what();
  const size_t detail = what.find("- ");
  if (detail != std::string::npos) return ValidUtf8(what.substr(detail + 2));
  const size_t bracket = what.find("] ");
  return ValidUtf8(bracket == std::string::npos ? what
                                                : what.substr(bracket + 2));
}

// Follows the parse to name where it is: the dotted path of the member being
// read, and whether an object repeats a key (nlohmann keeps the last one
// silently; a person who wrote "message" twice meant one of them).
class KeyTracker {
 public:
  bool operator()(nlohmann::json::parse_event_t event,
                  const nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
        frames_.push_back({});
        break;
      case Event::array_start:
        frames_.push_back({});
        frames_.back().array = true;
        break;
      case Event::object_end:
      case Event::array_end:
        if (!frames_.empty()) frames_.pop_back();
        break;
      case Event::key:
        if (!frames_.empty() && parsed.is_string()) {
          Frame& frame = frames_.back();
          frame.key = parsed.get<std::string>();
          if (!frame.keys.insert(frame.key).second && duplicate_.empty()) {
            duplicate_ = Path();
          }
        }
        break;
      case Event::value:
        break;
    }
    return true;
  }

  // The members from the document's root to the one being read.
  std::string Path() const {
    std::string path;
    for (const Frame& frame : frames_) {
      if (frame.array || frame.key.empty()) continue;
      if (!path.empty()) path.push_back('.');
      path.append(frame.key);
    }
    return path;
  }
  // The path of the first repeated key, or empty.
  const std::string& duplicate() const { return duplicate_; }

 private:
  struct Frame {
    bool array = false;
    std::string key;             // the member being read
    std::set<std::string> keys;  // the object's keys so far
  };
  std::vector<Frame> frames_;
  std::string duplicate_;
};

}  // namespace json_internal

// Parses `text`, the contents of the file `source`. Every problem is
// InvalidArgument naming the file and where: a syntax error its line and
// column ("campaign.json: not valid JSON at line 3, column 7: ..."), a
// number too large for a double the member it was for, a key given twice
// in one object its path. Never throws.
inline absl::StatusOr<nlohmann::json> ParseJsonDocument(
    absl::string_view text, absl::string_view source) {
  json_internal::KeyTracker tracker;
  try {
    nlohmann::json parsed = nlohmann::json::parse(
        text.begin(), text.end(),
        [&tracker](int /*depth*/, nlohmann::json::parse_event_t event,
                   nlohmann::json& value) { return tracker(event, value); });
    if (!tracker.duplicate().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": ", tracker.duplicate(),
                       ": given twice in one object (keep one of them)"));
    }
    return parsed;
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is one past the offending character.
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": not valid JSON at ",
        json_internal::LineAndColumn(text, e.byte > 0 ? e.byte - 1 : 0), ": ",
        json_internal::Words(e)));
  } catch (const nlohmann::json::exception& e) {
    // A number past a double's range (out_of_range.406), say: nlohmann
    // gives no position, but the member it was for is known.
    const std::string path = tracker.Path();
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": ", path.empty() ? "" : path + ": ",
                     json_internal::Words(e)));
  }
}

}  // namespace herald

#endif  // HERALD_ENGINE_BASE_JSON_FIELD_H_
