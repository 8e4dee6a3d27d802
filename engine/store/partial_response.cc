#include "engine/store/partial_response.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/base/utf8.h"

namespace herald {
namespace fields_internal {

// `whole`: the member with everything in it (or, when excluding, the member
// dropped), whatever `children` say.
struct Node {
  struct Child;
  bool whole = false;
  std::vector<Child> children;

  Node* FindOrAdd(std::string name);
};

struct Node::Child {
  std::string name;
  Node node;
};

Node* Node::FindOrAdd(std::string name) {
  for (Child& child : children) {
    if (child.name == name) return &child.node;
  }
  children.push_back(Child{std::move(name), Node()});
  return &children.back().node;
}

}  // namespace fields_internal

namespace {

using fields_internal::Node;

// Bounds the recursion of parsing, applying and destroying a selection.
constexpr int kMaxDepth = 32;

bool IsNameChar(char c) {
  return c != ',' && c != '(' && c != ')' && c != '/' && c != '!' && c != ' ';
}

// A recursive descent over
//   list := item (',' item)*
//   item := name ('/' name)* ('(' list ')')?
class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }

  void SkipSpaces() {
    while (!AtEnd() && text_[pos_] == ' ') ++pos_;
  }

  bool Consume(char c) {
    SkipSpaces();
    if (AtEnd() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // Adds the items of a list to `parent`, which is `depth` levels deep.
  absl::Status ParseList(Node* parent, int depth) {
    do {
      absl::Status status = ParseItem(parent, depth);
      if (!status.ok()) return status;
    } while (Consume(','));
    return absl::OkStatus();
  }

  // The error for what stands at the current position when the list there
  // should have ended.
  absl::Status Unexpected() const {
    if (text_[pos_] == ')') return Error("')' without its '('", pos_);
    if (text_[pos_] == '!') {
      return Error("'!' excludes only as the first character", pos_);
    }
    int length = 0;
    return Error(absl::StrCat("unexpected ",
                              DescribeCharacterAt(text_.substr(pos_), &length)),
                 pos_);
  }

  absl::Status Error(absl::string_view what, size_t at) const {
    const std::string where = at == text_.size()
                                  ? std::string("the end")
                                  : absl::StrCat("position ", at + 1);
    return absl::InvalidArgumentError(absl::StrCat(
        "fields \"", ValidUtf8(text_), "\": ", what, " at ", where));
  }

 private:
  absl::Status ParseItem(Node* parent, int depth) {
    Node* node = parent;
    do {
      SkipSpaces();
      const size_t start = pos_;
      while (!AtEnd() && IsNameChar(text_[pos_])) ++pos_;
      if (pos_ == start) {
        if (!AtEnd() && text_[pos_] == '!') return Unexpected();
        return Error("empty name", pos_);
      }
      if (++depth > kMaxDepth) {
        return Error(absl::StrCat("more than ", kMaxDepth, " levels"), start);
      }
      node = node->FindOrAdd(std::string(text_.substr(start, pos_ - start)));
    } while (Consume('/'));
    SkipSpaces();
    if (AtEnd() || text_[pos_] != '(') {
      node->whole = true;
      return absl::OkStatus();
    }
    const size_t open = pos_++;
    absl::Status status = ParseList(node, depth);
    if (!status.ok()) return status;
    if (Consume(')')) return absl::OkStatus();
    if (AtEnd()) return Error("'(' without its ')'", open);
    return Unexpected();
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

// The members of `value` that `node` selects; nullopt when none can be.
std::optional<nlohmann::json> Select(const Node& node,
                                     const nlohmann::json& value) {
  if (node.whole) return value;
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const nlohmann::json& element : value) {
      std::optional<nlohmann::json> selected = Select(node, element);
      if (selected.has_value()) out.push_back(*std::move(selected));
    }
    return out;
  }
  if (!value.is_object()) return std::nullopt;
  nlohmann::json out = nlohmann::json::object();
  for (const Node::Child& child : node.children) {
    auto it = value.find(child.name);
    if (it == value.end()) continue;
    std::optional<nlohmann::json> selected = Select(child.node, *it);
    if (selected.has_value()) out[child.name] = *std::move(selected);
  }
  return out;
}

// `value` without the members `node` selects.
nlohmann::json Exclude(const Node& node, const nlohmann::json& value) {
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const nlohmann::json& element : value) {
      out.push_back(Exclude(node, element));
    }
    return out;
  }
  if (!value.is_object()) return value;
  nlohmann::json out = value;
  for (const Node::Child& child : node.children) {
    auto it = out.find(child.name);
    if (it == out.end()) continue;
    if (child.node.whole) {
      out.erase(it);
    } else {
      *it = Exclude(child.node, *it);
    }
  }
  return out;
}

}  // namespace

FieldSelector::FieldSelector() {
  auto everything = std::make_shared<Node>();
  everything->whole = true;
  root_ = std::move(everything);
}

FieldSelector::FieldSelector(std::shared_ptr<const Node> root, bool exclude)
    : root_(std::move(root)), exclude_(exclude) {}

absl::StatusOr<FieldSelector> FieldSelector::Parse(absl::string_view fields) {
  Parser parser(fields);
  const bool exclude = parser.Consume('!');
  auto root = std::make_shared<Node>();
  parser.SkipSpaces();
  if (parser.AtEnd()) {
    root->whole = true;
  } else {
    absl::Status status = parser.ParseList(root.get(), 0);
    if (!status.ok()) return status;
    if (!parser.AtEnd()) return parser.Unexpected();
  }
  return FieldSelector(std::move(root), exclude);
}

nlohmann::json FieldSelector::Apply(const nlohmann::json& value) const {
  if (exclude_) {
    if (root_->whole) return nlohmann::json::object();
    return Exclude(*root_, value);
  }
  return Select(*root_, value).value_or(nlohmann::json());
}

}  // namespace herald
