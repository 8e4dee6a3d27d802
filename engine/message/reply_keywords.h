// What an inbound text asks for when its whole body is a keyword: to stop
// (STOP, UNSUBSCRIBE, ...), to start again (START, UNSTOP, YES) or for help
// (HELP, INFO). Opt-out is the one that costs when missed: under the TCPA a
// recipient revokes consent "in any reasonable manner" (FCC 24-18), so the
// body is compared after the forms people and phones give it are folded
// away: spaces, case, punctuation, symbols and emoji, zero-width
// characters, and Unicode's compatibility forms of Latin letters (fullwidth
// ＳＴＯＰ, mathematical 𝐒𝐓𝐎𝐏, the ﬅ/ﬆ ligatures). "Stop." and "stop
// 🛑" opt out; "stop it" and "don't stop" do not (a person reads those;
// herald does not guess). Two-way (inbound texts) acts on the answer.
#ifndef HERALD_ENGINE_MESSAGE_REPLY_KEYWORDS_H_
#define HERALD_ENGINE_MESSAGE_REPLY_KEYWORDS_H_

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace herald {

enum class ReplyKeyword { kNone, kOptOut, kOptIn, kHelp };

// `body` folded as keywords are compared: letters upper-cased (ASCII, and
// the Latin, Greek and Cyrillic small letters with a one-to-one capital),
// the compatibility forms above mapped to ASCII, and every space,
// punctuation mark, symbol, emoji, variation selector and zero-width
// character left out. Any other character stays as it is (so "stoppé" is
// not "STOPP", and a Cyrillic С is not an S).
// Bytes that are not UTF-8 stay as U+FFFD, which matches no keyword.
std::string FoldReply(absl::string_view body);

// The keywords of each kind, folded (FoldReply), each in one list only.
class ReplyKeywords {
 public:
  // The carriers' and CTIA's defaults (Twilio, Telnyx, AWS):
  //   opt-out: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE,
  //            OPTOUT (so also "OPT-OUT", "opt out"), REMOVE
  //   opt-in:  START, UNSTOP, YES
  //   help:    HELP, INFO
  ReplyKeywords();

  // The defaults with `opt_out`, `opt_in` and `help` added (a platform's
  // languages: ARRET, BAJA, ...). InvalidArgument naming `source`, the
  // list and the word for one that folds to nothing, or that two lists
  // share; a default opt-out word cannot be made anything else.
  static absl::StatusOr<ReplyKeywords> WithAdded(
      absl::string_view source, const std::vector<std::string>& opt_out,
      const std::vector<std::string>& opt_in,
      const std::vector<std::string>& help);

  // What `body` asks for: the kind whose list has FoldReply(body).
  ReplyKeyword Classify(absl::string_view body) const;

  const std::vector<std::string>& opt_out() const {
    return lists_[Index(ReplyKeyword::kOptOut)];
  }
  const std::vector<std::string>& opt_in() const {
    return lists_[Index(ReplyKeyword::kOptIn)];
  }
  const std::vector<std::string>& help() const {
    return lists_[Index(ReplyKeyword::kHelp)];
  }

 private:
  // The list of a kind other than kNone.
  static size_t Index(ReplyKeyword kind) {
    return static_cast<size_t>(kind) - 1;
  }
  // The kind whose list holds `folded`; kNone when none does.
  ReplyKeyword KindOf(const std::string& folded) const;

  std::array<std::vector<std::string>, 3> lists_;  // opt-out, opt-in, help
};

}  // namespace herald

#endif  // HERALD_ENGINE_MESSAGE_REPLY_KEYWORDS_H_
