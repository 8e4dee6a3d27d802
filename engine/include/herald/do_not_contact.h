// The account's do-not-contact list, the API's DoNotContact: numbers that
// must get no text (or no call) from any broadcast, asked at the moment a
// text would go, so that a number added while a broadcast runs gets nothing
// after the call that added it returns.
#ifndef HERALD_DO_NOT_CONTACT_H_
#define HERALD_DO_NOT_CONTACT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "herald/texts.h"

namespace herald {

// Numbers that must not be texted now. The sending side asks it for every
// text just before the text leaves (the run before it hands texts to the
// transport, the provider hub before it builds a request); it may change at
// any moment. Thread-safe, and fast: it is asked millions of times a run.
class SendBlock {
 public:
  virtual ~SendBlock() = default;
  virtual bool Blocks(PhoneNumber to) const = 0;
};

// CallFire's name for an entry's source when none is given.
inline constexpr char kDefaultDncSource[] = "Api V2";

struct DncEntry {
  PhoneNumber number = 0;
  bool call = true;  // on the do-not-call list
  bool text = true;  // on the do-not-text list: no broadcast texts it
  std::string source = kDefaultDncSource;
  absl::Time created;
  absl::Time updated;
};

// Which entries FindDoNotContacts returns; unset fields match all.
struct DncQuery {
  std::string prefix;                // of the 11 digits, 1 to 11 of them
  std::vector<PhoneNumber> numbers;  // any of these
  std::optional<std::string> source;
  std::optional<bool> call;
  std::optional<bool> text;
  uint64_t offset = 0;
  int limit = kDefaultTextPageLimit;  // 0 to kMaxTextPageLimit
};

struct DncPage {
  std::vector<DncEntry> items;  // by number
  uint64_t offset = 0;
  int limit = 0;
  uint64_t total_count = 0;
};

}  // namespace herald

#endif  // HERALD_DO_NOT_CONTACT_H_
