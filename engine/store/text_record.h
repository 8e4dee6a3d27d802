// An outbound text as the store keeps it and the CallFire API shows it: what
// `herald texts` lists, what a Finished event carries.
#ifndef HERALD_ENGINE_STORE_TEXT_RECORD_H_
#define HERALD_ENGINE_STORE_TEXT_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "engine/ingest/phone_number.h"
#include "herald/texts.h"
#include "nlohmann/json.hpp"

namespace herald {

// The API's Text object for `text`:
//   {"id":20000000007,"fromNumber":"67076","toNumber":"12135551234",
//    "state":"FINISHED","campaignId":"<run id>","batchId":2,"inbound":false,
//    "created":1443403042000,"modified":1443403043000,"message":"...",
//    "finalTextResult":"SENT","records":[{"id":2000000000701,"attempt":1,
//    "finishTime":1443403043000,"textResult":"SENT","providerId":"7",
//    "billedSegments":1,"deliveryState":"DELIVERED",
//    "deliveryTime":1443403045000}],
//    (record ids are the text id times 100 plus the attempt; a SENT one
//    has a deliveryState, and deliveryError and deliveryTime once a
//    receipt gave them)
//    "recipientId":7,"line":8,"segments":1,"zone":"America/New_York",
//    "attempts":1,"reason":"..."}
// Members without a value (no number, no message, no result, no reason)
// are left out. Times are unix milliseconds, as in the API.
nlohmann::json TextJson(const TextRecord& text, const std::string& campaign_id);

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_TEXT_RECORD_H_
