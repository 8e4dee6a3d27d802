#include "engine/pipeline/row_fate.h"

namespace herald {

RowFate DecideRowFate(const RowFacts& facts,
                      absl::FunctionRef<WindowState()> window) {
  // The order is the order of the checks a person would make: is the number
  // good, have we texted it already, may we text it at all, can the message
  // go, may this batch go, may this zone go, and now?
  if (facts.verdict == RowVerdict::kInvalid) return RowFate::kInvalid;
  if (facts.duplicate) return RowFate::kDup;
  switch (facts.verdict) {
    case RowVerdict::kInvalid:
    case RowVerdict::kUnrenderable:
      return RowFate::kInvalid;
    case RowVerdict::kDnc:
      return RowFate::kDnc;
    case RowVerdict::kTooBig:
      return RowFate::kTooBig;
    case RowVerdict::kSendable:
      break;
  }
  if (facts.batch_held) return RowFate::kDisabled;
  if (!facts.zone_sends) return RowFate::kSkipped;
  switch (window()) {
    case WindowState::kOpen:
      return RowFate::kSend;
    case WindowState::kShut:
      return RowFate::kWait;
    case WindowState::kOver:
      return RowFate::kTimeout;
  }
  return RowFate::kWait;  // unreachable: every WindowState is above
}

}  // namespace herald
