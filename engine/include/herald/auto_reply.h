// CallFire's TextAutoReply: a text sent back to whoever texts `number`
// (with `keyword` as the first word, or a message that contains `match`).
// Kept per account; Two-way makes them answer inbound texts.
#ifndef HERALD_AUTO_REPLY_H_
#define HERALD_AUTO_REPLY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "herald/texts.h"

namespace herald {

struct AutoReply {
  int64_t id = 0;       // 1, 2, ... in the order they were made
  std::string number;   // our number or short code the texts come to
  std::string keyword;  // empty: any
  std::string match;    // case-insensitive text to find; empty: any
  std::string message;  // the reply
};

struct AutoReplyPage {
  std::vector<AutoReply> items;  // by id
  uint64_t offset = 0;
  int limit = 0;
  uint64_t total_count = 0;
};

}  // namespace herald

#endif  // HERALD_AUTO_REPLY_H_
