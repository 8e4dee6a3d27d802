// The texts the account received (herald/texts.h InboundText), a table of
// the account's database (account_db.h), and what an opt-out keyword does:
// a text whose body is STOP is recorded in the same transaction as its
// do-not-contact entry (account_dnc.h), so neither is ever kept without the
// other, and the number is blocked before the write begins.
#ifndef HERALD_ENGINE_STORE_INBOUND_TEXTS_H_
#define HERALD_ENGINE_STORE_INBOUND_TEXTS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/message/reply_keywords.h"
#include "engine/store/account_db.h"
#include "engine/store/account_dnc.h"
#include "herald/clock.h"
#include "herald/texts.h"

namespace herald {

// What recording an inbound text came to.
struct ReceivedText {
  InboundText text;  // as kept: its id, keyword and received time set
  // False for a text recorded before (the provider called again): nothing
  // was done for it this time.
  bool is_new = true;
  // An opt-out that blocked a number not blocked before: the one that
  // earns a confirmation.
  bool opted_out = false;
  // An opt-in that made the number textable again.
  bool opted_in = false;
};

class InboundTexts {
 public:
  // `db`, `dnc` and `clock` must outlive it.
  InboundTexts(const AccountDb* db, AccountDnc* dnc, Clock* clock)
      : db_(db), dnc_(dnc), clock_(clock) {}

  // Records `text` (its id, keyword and received time are set here), and
  // for kOptOut the number's opt-out (for kOptIn its opt-in), in one
  // transaction. A text the same
  // in sender, number, body and time as one recorded is that one
  // (is_new false): a provider that calls twice is recorded once.
  absl::StatusOr<ReceivedText> Record(InboundText text, ReplyKeyword keyword);

  // Sets the broadcast a recorded text is attributed to.
  absl::Status SetCampaign(int64_t id, int64_t campaign);

  // InvalidArgument for a limit outside 0 to kMaxTextPageLimit.
  absl::StatusOr<InboundPage> Find(const InboundQuery& query) const;

 private:
  const AccountDb* const db_;
  AccountDnc* const dnc_;
  Clock* const clock_;
};

// The keyword's name as InboundText::keyword holds it: "OPT_OUT", "OPT_IN",
// "HELP", or empty for kNone.
absl::string_view KeywordName(ReplyKeyword keyword);

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_INBOUND_TEXTS_H_
