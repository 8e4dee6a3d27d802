// The layers of docs/ARCHITECTURE.md, checked: every project include of every
// source file goes to its own layer or one its layer may include (directly
// or through the layers those include). The table in the document is the
// rule; this test only reads it, so the two cannot drift apart.
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"

namespace herald {
namespace {

const std::filesystem::path kRoot = HERALD_SOURCE_DIR;

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Layer {
  std::string name;
  std::vector<std::string> paths;  // folders ending in '/', or files
  std::vector<std::string> uses;   // layers it may include
};

// The rows of the table under "## Layers": | layer | paths | may include |.
std::vector<Layer> ReadLayerTable() {
  std::vector<Layer> layers;
  const std::string doc = Read(kRoot / "docs/ARCHITECTURE.md");
  const size_t start = doc.find("\n## Layers");
  if (start == std::string::npos) return layers;
  bool in_table = false;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(doc).substr(start + 1), '\n')) {
    if (!absl::StartsWith(line, "|")) {
      if (in_table) break;
      continue;
    }
    in_table = true;
    std::vector<std::string> cells = absl::StrSplit(line, '|');
    if (cells.size() < 5) continue;
    Layer layer;
    layer.name = std::string(absl::StripAsciiWhitespace(cells[1]));
    if (layer.name == "layer" || absl::StartsWith(layer.name, "-")) continue;
    for (absl::string_view path : absl::StrSplit(cells[2], ',')) {
      path = absl::StripAsciiWhitespace(path);
      path = absl::StripPrefix(absl::StripSuffix(path, "`"), "`");
      if (!path.empty()) layer.paths.emplace_back(path);
    }
    for (absl::string_view use : absl::StrSplit(cells[3], ',')) {
      use = absl::StripAsciiWhitespace(use);
      if (!use.empty() && use != "—") layer.uses.emplace_back(use);
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

// The layer whose path is the longest prefix of `file` (relative to the
// root); empty when none is.
std::string LayerOf(const std::vector<Layer>& layers, const std::string& file) {
  std::string best;
  size_t best_length = 0;
  for (const Layer& layer : layers) {
    for (const std::string& path : layer.paths) {
      const bool matches =
          path.back() == '/' ? absl::StartsWith(file, path) : file == path;
      if (matches && path.size() > best_length) {
        best = layer.name;
        best_length = path.size();
      }
    }
  }
  return best;
}

// The header of a line `#include "..."`, or nullopt for any other line.
std::optional<std::string> QuotedInclude(absl::string_view line) {
  line = absl::StripLeadingAsciiWhitespace(line);
  if (!absl::ConsumePrefix(&line, "#")) return std::nullopt;
  line = absl::StripLeadingAsciiWhitespace(line);
  if (!absl::ConsumePrefix(&line, "include")) return std::nullopt;
  line = absl::StripLeadingAsciiWhitespace(line);
  if (!absl::ConsumePrefix(&line, "\"")) return std::nullopt;
  const size_t end = line.find('"');
  if (end == absl::string_view::npos) return std::nullopt;
  return std::string(line.substr(0, end));
}

// Each layer's reach: itself and, transitively, what it may include.
std::map<std::string, std::set<std::string>> Reach(
    const std::vector<Layer>& layers) {
  std::map<std::string, std::vector<std::string>> uses;
  for (const Layer& layer : layers) uses[layer.name] = layer.uses;
  std::map<std::string, std::set<std::string>> reach;
  for (const Layer& layer : layers) {
    std::vector<std::string> todo = {layer.name};
    std::set<std::string>& seen = reach[layer.name];
    while (!todo.empty()) {
      const std::string next = todo.back();
      todo.pop_back();
      if (!seen.insert(next).second) continue;
      for (const std::string& use : uses[next]) todo.push_back(use);
    }
  }
  return reach;
}

TEST(LayeringTest, TheTableNamesLayersThatExist) {
  const std::vector<Layer> layers = ReadLayerTable();
  ASSERT_GE(layers.size(), 8u) << "no layer table in docs/ARCHITECTURE.md";
  std::set<std::string> names;
  for (const Layer& layer : layers) names.insert(layer.name);
  for (const Layer& layer : layers) {
    for (const std::string& path : layer.paths) {
      EXPECT_TRUE(std::filesystem::exists(kRoot / path))
          << layer.name << ": " << path;
    }
    for (const std::string& use : layer.uses) {
      EXPECT_TRUE(names.contains(use)) << layer.name << " uses " << use;
    }
  }
}

TEST(LayeringTest, EveryIncludeGoesDownTheTable) {
  const std::vector<Layer> layers = ReadLayerTable();
  ASSERT_FALSE(layers.empty());
  const std::map<std::string, std::set<std::string>> reach = Reach(layers);
  int files = 0;
  for (const char* top :
       {"engine", "scheduler", "timezone", "ratelimit", "tools", "bench"}) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(kRoot / top)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".h" && ext != ".cc") continue;
      const std::string file =
          std::filesystem::relative(entry.path(), kRoot).string();
      const std::string from = LayerOf(layers, file);
      EXPECT_FALSE(from.empty()) << file << " is in no layer of the table";
      if (from.empty()) continue;
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      for (int number = 1; std::getline(in, line); ++number) {
        const std::optional<std::string> included = QuotedInclude(line);
        if (!included.has_value()) continue;
        std::string target = *included;
        // The public headers are included as "herald/...".
        if (absl::StartsWith(target, "herald/")) {
          target = "engine/include/" + target;
        }
        const std::string to = LayerOf(layers, target);
        if (to.empty()) continue;  // a third-party header
        EXPECT_TRUE(reach.at(from).contains(to))
            << file << ":" << number << ": " << from << " includes " << to
            << " (" << *included << "); the table lets " << from
            << " include only " << absl::StrJoin(reach.at(from), ", ");
      }
    }
  }
  EXPECT_GT(files, 100);
}

// Two headers that define a type of one name in namespace herald break the
// one-definition rule without a word from the compiler or the linker: the
// service's HttpResponse and the HTTP client's once did, and herald crashed
// in whichever destructor the linker kept. Types at the start of a line of a
// header (namespace scope) must have names of their own.
TEST(LayeringTest, NoTwoHeadersDefineATypeOfOneName) {
  std::map<std::string, std::string> defined;  // name -> header
  for (const char* top : {"engine", "scheduler", "timezone", "ratelimit"}) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(kRoot / top)) {
      if (entry.path().extension() != ".h") continue;
      const std::string header =
          std::filesystem::relative(entry.path(), kRoot).string();
      for (absl::string_view line : absl::StrSplit(Read(entry.path()), '\n')) {
        absl::string_view rest = line;
        if (!absl::ConsumePrefix(&rest, "struct ") &&
            !absl::ConsumePrefix(&rest, "class ")) {
          continue;
        }
        const size_t end = rest.find_first_of(" :{;");
        if (end == absl::string_view::npos || rest[end] == ';') continue;
        const std::string name(rest.substr(0, end));
        auto [it, inserted] = defined.emplace(name, header);
        EXPECT_TRUE(inserted || it->second == header)
            << name << " is defined in " << it->second << " and " << header;
      }
    }
  }
  EXPECT_GT(defined.size(), 50);
}

}  // namespace
}  // namespace herald
