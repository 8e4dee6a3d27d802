// The NANP area-code table. Every line is a public fact about the numbering
// plan (NANPA's assignments, state and provincial time-zone law, IANA tzdata's
// zone descriptions); none is derived from another project's data file.
//
// Rules the table follows:
// - An area code that spans zones lists every zone it serves; only an
//   exchange rule below narrows that, and only where the split is certain.
// - An overlay serves the same ground as its parent, so it lists the same
//   zones (448 like 850, 364 like 270, ...). Exchange rules do not carry over:
//   the overlay's exchanges are different codes.
// - Zones are named by the tzdata zone that covers the place, even where an
//   equivalent one exists (America/Boise, not America/Denver, for Idaho), so
//   `herald lookup` shows the right one; the window math only needs offsets.
// - Unofficial local time that a whole town keeps (Phenix City AL on Eastern,
//   Kenton OK on Mountain) counts: the law asks for the recipient's local time.
#include "timezone/nanp_area_codes.h"

namespace herald {
namespace {

// The zones most codes use, for short lines.
constexpr char kEastern[] = "America/New_York";
constexpr char kCentral[] = "America/Chicago";
constexpr char kMountain[] = "America/Denver";
constexpr char kPacific[] = "America/Los_Angeles";
constexpr char kArizona[] = "America/Phoenix";  // MST all year: no DST
constexpr char kMichigan[] = "America/Detroit";
constexpr char kIndiana[] = "America/Indiana/Indianapolis";
constexpr char kToronto[] = "America/Toronto";
constexpr char kWinnipeg[] = "America/Winnipeg";
constexpr char kEdmonton[] = "America/Edmonton";
constexpr char kVancouver[] = "America/Vancouver";
constexpr char kHalifax[] = "America/Halifax";
constexpr char kMoncton[] = "America/Moncton";

// Area codes that span zones, and their overlays.
constexpr char kEasternCentral[] = "America/New_York&America/Chicago";
constexpr char kIndianaSplit[] = "America/Indiana/Indianapolis&America/Chicago";
constexpr char kCentralMountain[] = "America/Chicago&America/Denver";
constexpr char kIdaho[] = "America/Boise&America/Los_Angeles";
// Pacific, except the East Kootenay (Mountain, DST) and the Peace River,
// Creston and Fort Nelson (MST all year).
constexpr char kBritishColumbia[] =
    "America/Vancouver&America/Edmonton&America/Dawson_Creek&America/"
    "Creston&America/Fort_Nelson";
// Central Standard all year, except Lloydminster (Alberta time) and Creighton
// and Denare Beach (Manitoba time), both with DST.
constexpr char kSaskatchewan[] =
    "America/Regina&America/Edmonton&America/Winnipeg";
// Eastern; the Magdalen Islands and Listuguj keep Atlantic time with DST, the
// Lower North Shore east of 63°W Atlantic Standard all year.
constexpr char kEasternQuebec[] =
    "America/Toronto&America/Halifax&America/Blanc-Sablon";
// The island and south-east Labrador on Newfoundland time, the rest of
// Labrador on Atlantic time; both with DST.
constexpr char kNewfoundland[] = "America/St_Johns&America/Goose_Bay";

// clang-format off
constexpr AreaCodeZones kAreaCodes[] = {
    {201, "NJ", "US", kEastern},
    {202, "DC", "US", kEastern},
    {203, "CT", "US", kEastern},
    {204, "MB", "CA", kWinnipeg},
    {205, "AL", "US", kCentral},
    {206, "WA", "US", kPacific},
    {207, "ME", "US", kEastern},
    {208, "ID", "US", kIdaho},            // Pacific north of the Salmon River
    {209, "CA", "US", kPacific},
    {210, "TX", "US", kCentral},
    {212, "NY", "US", kEastern},
    {213, "CA", "US", kPacific},
    {214, "TX", "US", kCentral},
    {215, "PA", "US", kEastern},
    {216, "OH", "US", kEastern},
    {217, "IL", "US", kCentral},
    {218, "MN", "US", kCentral},
    {219, "IN", "US", kIndianaSplit},     // the north-west counties are Central
    {220, "OH", "US", kEastern},
    {223, "PA", "US", kEastern},
    {224, "IL", "US", kCentral},
    {225, "LA", "US", kCentral},
    {226, "ON", "CA", kToronto},
    {227, "MD", "US", kEastern},
    {228, "MS", "US", kCentral},
    {229, "GA", "US", kEastern},
    {231, "MI", "US", kMichigan},
    {234, "OH", "US", kEastern},
    {235, "MO", "US", kCentral},
    {236, "BC", "CA", kBritishColumbia},  // overlay of 250 and 604
    {239, "FL", "US", kEastern},
    {240, "MD", "US", kEastern},
    {242, "BS", "BS", "America/Nassau"},
    {246, "BB", "BB", "America/Barbados"},
    {248, "MI", "US", kMichigan},
    {249, "ON", "CA", kToronto},
    {250, "BC", "CA", kBritishColumbia},
    {251, "AL", "US", kCentral},
    {252, "NC", "US", kEastern},
    {253, "WA", "US", kPacific},
    {254, "TX", "US", kCentral},
    {256, "AL", "US", kCentral},
    {257, "BC", "CA", kBritishColumbia},  // overlay of 250 and 604
    {260, "IN", "US", kIndiana},
    {262, "WI", "US", kCentral},
    {263, "QC", "CA", kToronto},
    {264, "AI", "AI", "America/Anguilla"},
    {267, "PA", "US", kEastern},
    {268, "AG", "AG", "America/Antigua"},
    {269, "MI", "US", kMichigan},
    {270, "KY", "US", kEasternCentral},   // western Kentucky is Central, Elizabethtown Eastern
    {272, "PA", "US", kEastern},
    {274, "WI", "US", kCentral},
    {276, "VA", "US", kEastern},
    {279, "CA", "US", kPacific},
    {281, "TX", "US", kCentral},
    {283, "OH", "US", kEastern},
    {284, "VG", "VG", "America/Tortola"},
    {289, "ON", "CA", kToronto},
    {301, "MD", "US", kEastern},
    {302, "DE", "US", kEastern},
    {303, "CO", "US", kMountain},
    {304, "WV", "US", kEastern},
    {305, "FL", "US", kEastern},
    {306, "SK", "CA", kSaskatchewan},     // Saskatchewan keeps no DST
    {307, "WY", "US", kMountain},
    {308, "NE", "US", kCentralMountain},  // the Panhandle and south-west are Mountain
    {309, "IL", "US", kCentral},
    {310, "CA", "US", kPacific},
    {312, "IL", "US", kCentral},
    {313, "MI", "US", kMichigan},
    {314, "MO", "US", kCentral},
    {315, "NY", "US", kEastern},
    {316, "KS", "US", kCentral},
    {317, "IN", "US", kIndiana},
    {318, "LA", "US", kCentral},
    {319, "IA", "US", kCentral},
    {320, "MN", "US", kCentral},
    {321, "FL", "US", kEastern},
    {323, "CA", "US", kPacific},
    {324, "FL", "US", kEastern},
    {325, "TX", "US", kCentral},
    {326, "OH", "US", kEastern},
    {327, "AR", "US", kCentral},
    {329, "NY", "US", kEastern},
    {330, "OH", "US", kEastern},
    {331, "IL", "US", kCentral},
    {332, "NY", "US", kEastern},
    {334, "AL", "US", kEasternCentral},   // Phenix City and the Chattahoochee valley keep Eastern time
    {336, "NC", "US", kEastern},
    {337, "LA", "US", kCentral},
    {339, "MA", "US", kEastern},
    {340, "VI", "US", "America/St_Thomas"},  // Atlantic Standard, no DST
    {341, "CA", "US", kPacific},
    {343, "ON", "CA", kToronto},
    {345, "KY", "KY", "America/Cayman"},  // Cayman Islands: Eastern Standard, no DST
    {346, "TX", "US", kCentral},
    {347, "NY", "US", kEastern},
    {350, "CA", "US", kPacific},
    {351, "MA", "US", kEastern},
    {352, "FL", "US", kEastern},
    {353, "WI", "US", kCentral},
    {354, "QC", "CA", kToronto},
    {360, "WA", "US", kPacific},
    {361, "TX", "US", kCentral},
    {363, "NY", "US", kEastern},
    {364, "KY", "US", kEasternCentral},   // overlay of 270
    {365, "ON", "CA", kToronto},
    {367, "QC", "CA", kEasternQuebec},    // overlay of 418
    {368, "AB", "CA", kEdmonton},
    {369, "CA", "US", kPacific},
    {380, "OH", "US", kEastern},
    {382, "ON", "CA", kToronto},
    {385, "UT", "US", kMountain},
    {386, "FL", "US", kEastern},
    {401, "RI", "US", kEastern},
    {402, "NE", "US", kCentral},
    {403, "AB", "CA", kEdmonton},
    {404, "GA", "US", kEastern},
    {405, "OK", "US", kCentral},
    {406, "MT", "US", kMountain},
    {407, "FL", "US", kEastern},
    {408, "CA", "US", kPacific},
    {409, "TX", "US", kCentral},
    {410, "MD", "US", kEastern},
    {412, "PA", "US", kEastern},
    {413, "MA", "US", kEastern},
    {414, "WI", "US", kCentral},
    {415, "CA", "US", kPacific},
    {416, "ON", "CA", kToronto},
    {417, "MO", "US", kCentral},
    {418, "QC", "CA", kEasternQuebec},
    {419, "OH", "US", kEastern},
    {423, "TN", "US", kEasternCentral},   // Marion, Sequatchie and Bledsoe counties are Central
    {424, "CA", "US", kPacific},
    {425, "WA", "US", kPacific},
    {428, "NB", "CA", kMoncton},
    {430, "TX", "US", kCentral},
    {431, "MB", "CA", kWinnipeg},
    {432, "TX", "US", kCentral},
    {434, "VA", "US", kEastern},
    {435, "UT", "US", kMountain},
    {437, "ON", "CA", kToronto},
    {438, "QC", "CA", kToronto},
    {440, "OH", "US", kEastern},
    {441, "BM", "BM", "Atlantic/Bermuda"},
    {442, "CA", "US", kPacific},
    {443, "MD", "US", kEastern},
    {445, "PA", "US", kEastern},
    {447, "IL", "US", kCentral},
    {448, "FL", "US", kEasternCentral},   // overlay of 850
    {450, "QC", "CA", kToronto},
    {458, "OR", "US", "America/Los_Angeles&America/Boise"},  // overlay of 541
    {463, "IN", "US", kIndiana},
    {464, "IL", "US", kCentral},
    {468, "QC", "CA", kToronto},
    {469, "TX", "US", kCentral},
    {470, "GA", "US", kEastern},
    {472, "NC", "US", kEastern},
    {473, "GD", "GD", "America/Grenada"},
    {474, "SK", "CA", kSaskatchewan},     // overlay of 306
    {475, "CT", "US", kEastern},
    {478, "GA", "US", kEastern},
    {479, "AR", "US", kCentral},
    {480, "AZ", "US", kArizona},
    {484, "PA", "US", kEastern},
    {501, "AR", "US", kCentral},
    {502, "KY", "US", "America/Kentucky/Louisville"},
    {503, "OR", "US", kPacific},
    {504, "LA", "US", kCentral},
    {505, "NM", "US", kMountain},
    {506, "NB", "CA", kMoncton},
    {507, "MN", "US", kCentral},
    {508, "MA", "US", kEastern},
    {509, "WA", "US", kPacific},
    {510, "CA", "US", kPacific},
    {512, "TX", "US", kCentral},
    {513, "OH", "US", kEastern},
    {514, "QC", "CA", kToronto},
    {515, "IA", "US", kCentral},
    {516, "NY", "US", kEastern},
    {517, "MI", "US", kMichigan},
    {518, "NY", "US", kEastern},
    {519, "ON", "CA", kToronto},
    {520, "AZ", "US", kArizona},
    {530, "CA", "US", kPacific},
    {531, "NE", "US", kCentral},
    {534, "WI", "US", kCentral},
    {539, "OK", "US", kCentral},
    {540, "VA", "US", kEastern},
    {541, "OR", "US", "America/Los_Angeles&America/Boise"},  // Malheur County is Mountain
    {548, "ON", "CA", kToronto},
    {551, "NJ", "US", kEastern},
    {557, "MO", "US", kCentral},
    {559, "CA", "US", kPacific},
    {561, "FL", "US", kEastern},
    {562, "CA", "US", kPacific},
    {563, "IA", "US", kCentral},
    {564, "WA", "US", kPacific},
    {567, "OH", "US", kEastern},
    {570, "PA", "US", kEastern},
    {571, "VA", "US", kEastern},
    {572, "OK", "US", kCentral},
    {573, "MO", "US", kCentral},
    {574, "IN", "US", kIndianaSplit},     // Starke County is Central
    {575, "NM", "US", kMountain},
    {579, "QC", "CA", kToronto},
    {580, "OK", "US", kCentralMountain},  // Kenton, in the Panhandle, keeps Mountain time
    {581, "QC", "CA", kEasternQuebec},    // overlay of 418
    {582, "PA", "US", kEastern},
    {584, "MB", "CA", kWinnipeg},
    {585, "NY", "US", kEastern},
    {586, "MI", "US", kMichigan},
    {587, "AB", "CA", kEdmonton},
    {601, "MS", "US", kCentral},
    {602, "AZ", "US", kArizona},
    {603, "NH", "US", kEastern},
    {604, "BC", "CA", kVancouver},        // the Lower Mainland only
    {605, "SD", "US", kCentralMountain},  // west of the Missouri mostly Mountain
    {606, "KY", "US", kEasternCentral},   // a few south-central counties are Central
    {607, "NY", "US", kEastern},
    {608, "WI", "US", kCentral},
    {609, "NJ", "US", kEastern},
    {610, "PA", "US", kEastern},
    {612, "MN", "US", kCentral},
    {613, "ON", "CA", kToronto},
    {614, "OH", "US", kEastern},
    {615, "TN", "US", kCentral},
    {616, "MI", "US", kMichigan},
    {617, "MA", "US", kEastern},
    {618, "IL", "US", kCentral},
    {619, "CA", "US", kPacific},
    {620, "KS", "US", kCentralMountain},  // Greeley and Hamilton counties are Mountain
    {623, "AZ", "US", kArizona},
    {624, "NY", "US", kEastern},
    {626, "CA", "US", kPacific},
    {628, "CA", "US", kPacific},
    {629, "TN", "US", kCentral},
    {630, "IL", "US", kCentral},
    {631, "NY", "US", kEastern},
    {636, "MO", "US", kCentral},
    {639, "SK", "CA", kSaskatchewan},     // overlay of 306
    {640, "NJ", "US", kEastern},
    {641, "IA", "US", kCentral},
    {645, "FL", "US", kEastern},
    {646, "NY", "US", kEastern},
    {647, "ON", "CA", kToronto},
    {649, "TC", "TC", "America/Grand_Turk"},  // keeps US-style DST
    {650, "CA", "US", kPacific},
    {651, "MN", "US", kCentral},
    {656, "FL", "US", kEastern},
    {657, "CA", "US", kPacific},
    {658, "JM", "JM", "America/Jamaica"},
    {659, "AL", "US", kCentral},
    {660, "MO", "US", kCentral},
    {661, "CA", "US", kPacific},
    {662, "MS", "US", kCentral},
    {664, "MS", "MS", "America/Montserrat"},  // Montserrat, not Mississippi
    {667, "MD", "US", kEastern},
    {669, "CA", "US", kPacific},
    {670, "MP", "US", "Pacific/Saipan"},
    {671, "GU", "US", "Pacific/Guam"},
    {672, "BC", "CA", kBritishColumbia},  // overlay of 250 and 604
    {678, "GA", "US", kEastern},
    {680, "NY", "US", kEastern},
    {681, "WV", "US", kEastern},
    {682, "TX", "US", kCentral},
    {683, "ON", "CA", kToronto},
    {684, "AS", "US", "Pacific/Pago_Pago"},
    {686, "VA", "US", kEastern},
    {689, "FL", "US", kEastern},
    {701, "ND", "US", kCentralMountain},  // the south-west is Mountain
    {702, "NV", "US", kPacific},
    {703, "VA", "US", kEastern},
    {704, "NC", "US", kEastern},
    {705, "ON", "CA", kToronto},
    {706, "GA", "US", kEastern},
    {707, "CA", "US", kPacific},
    {708, "IL", "US", kCentral},
    {709, "NL", "CA", kNewfoundland},     // UTC-3:30; Labrador mostly Atlantic
    {712, "IA", "US", kCentral},
    {713, "TX", "US", kCentral},
    {714, "CA", "US", kPacific},
    {715, "WI", "US", kCentral},
    {716, "NY", "US", kEastern},
    {717, "PA", "US", kEastern},
    {718, "NY", "US", kEastern},
    {719, "CO", "US", kMountain},
    {720, "CO", "US", kMountain},
    {721, "SX", "SX", "America/Lower_Princes"},
    {724, "PA", "US", kEastern},
    {725, "NV", "US", kPacific},
    {726, "TX", "US", kCentral},
    {727, "FL", "US", kEastern},
    {728, "FL", "US", kEastern},
    {730, "IL", "US", kCentral},
    {731, "TN", "US", kCentral},
    {732, "NJ", "US", kEastern},
    {734, "MI", "US", kMichigan},
    {737, "TX", "US", kCentral},
    {738, "CA", "US", kPacific},
    {740, "OH", "US", kEastern},
    {742, "ON", "CA", kToronto},
    {743, "NC", "US", kEastern},
    {747, "CA", "US", kPacific},
    {748, "CO", "US", kMountain},
    {753, "ON", "CA", kToronto},
    {754, "FL", "US", kEastern},
    {757, "VA", "US", kEastern},
    {758, "LC", "LC", "America/St_Lucia"},
    {760, "CA", "US", kPacific},
    {762, "GA", "US", kEastern},
    {763, "MN", "US", kCentral},
    {765, "IN", "US", kIndiana},
    {767, "DM", "DM", "America/Dominica"},
    {769, "MS", "US", kCentral},
    {770, "GA", "US", kEastern},
    {771, "DC", "US", kEastern},
    {772, "FL", "US", kEastern},
    {773, "IL", "US", kCentral},
    {774, "MA", "US", kEastern},
    {775, "NV", "US", "America/Los_Angeles&America/Denver"},  // West Wendover and Jackpot keep Mountain time
    {778, "BC", "CA", kBritishColumbia},  // overlay of 250 and 604
    {779, "IL", "US", kCentral},
    {780, "AB", "CA", kEdmonton},
    {781, "MA", "US", kEastern},
    {782, "NS/PE", "CA", kHalifax},       // overlay of 902
    {784, "VC", "VC", "America/St_Vincent"},
    {785, "KS", "US", kCentralMountain},  // Sherman and Wallace counties are Mountain
    {786, "FL", "US", kEastern},
    {787, "PR", "US", "America/Puerto_Rico"},  // Atlantic Standard, no DST
    {801, "UT", "US", kMountain},
    {802, "VT", "US", kEastern},
    {803, "SC", "US", kEastern},
    {804, "VA", "US", kEastern},
    {805, "CA", "US", kPacific},
    {806, "TX", "US", kCentral},
    {807, "ON", "CA", "America/Toronto&America/Winnipeg&America/Atikokan"},  // Central west of Thunder Bay; Atikokan EST all year
    {808, "HI", "US", "Pacific/Honolulu"},  // no DST
    {809, "DO", "DO", "America/Santo_Domingo"},
    {810, "MI", "US", kMichigan},
    {812, "IN", "US", kIndianaSplit},     // Evansville and the south-west are Central
    {813, "FL", "US", kEastern},
    {814, "PA", "US", kEastern},
    {815, "IL", "US", kCentral},
    {816, "MO", "US", kCentral},
    {817, "TX", "US", kCentral},
    {818, "CA", "US", kPacific},
    {819, "QC", "CA", kToronto},
    {820, "CA", "US", kPacific},
    {821, "SC", "US", kEastern},
    {825, "AB", "CA", kEdmonton},
    {826, "VA", "US", kEastern},
    {828, "NC", "US", kEastern},
    {829, "DO", "DO", "America/Santo_Domingo"},
    {830, "TX", "US", kCentral},
    {831, "CA", "US", kPacific},
    {832, "TX", "US", kCentral},
    {835, "PA", "US", kEastern},
    {838, "NY", "US", kEastern},
    {839, "SC", "US", kEastern},
    {840, "CA", "US", kPacific},
    {843, "SC", "US", kEastern},
    {845, "NY", "US", kEastern},
    {847, "IL", "US", kCentral},
    {848, "NJ", "US", kEastern},
    {849, "DO", "DO", "America/Santo_Domingo"},
    {850, "FL", "US", kEasternCentral},   // Central west of the Apalachicola River
    {854, "SC", "US", kEastern},
    {856, "NJ", "US", kEastern},
    {857, "MA", "US", kEastern},
    {858, "CA", "US", kPacific},
    {859, "KY", "US", kEastern},
    {860, "CT", "US", kEastern},
    {861, "IL", "US", kCentral},
    {862, "NJ", "US", kEastern},
    {863, "FL", "US", kEastern},
    {864, "SC", "US", kEastern},
    {865, "TN", "US", kEastern},
    // Yukon (UTC-7 all year since 2020), NWT (Mountain), Nunavut (Mountain,
    // Central, Eastern; Coral Harbour EST all year).
    {867, "YT/NT/NU", "CA", "America/Whitehorse&America/Edmonton&America/Cambridge_Bay&America/Rankin_Inlet&America/Iqaluit&America/Atikokan"},
    {868, "TT", "TT", "America/Port_of_Spain"},
    {869, "KN", "KN", "America/St_Kitts"},
    {870, "AR", "US", kCentral},
    {872, "IL", "US", kCentral},
    {873, "QC", "CA", kToronto},
    {876, "JM", "JM", "America/Jamaica"},
    {878, "PA", "US", kEastern},
    {879, "NL", "CA", kNewfoundland},     // overlay of 709
    {901, "TN", "US", kCentral},
    {902, "NS/PE", "CA", kHalifax},
    {903, "TX", "US", kCentral},
    {904, "FL", "US", kEastern},
    {905, "ON", "CA", kToronto},
    {906, "MI", "US", "America/Detroit&America/Menominee"},  // the four counties on Wisconsin are Central
    {907, "AK", "US", "America/Anchorage&America/Adak"},     // the Aleutians west of 169°30'W are UTC-10
    {908, "NJ", "US", kEastern},
    {909, "CA", "US", kPacific},
    {910, "NC", "US", kEastern},
    {912, "GA", "US", kEastern},
    {913, "KS", "US", kCentral},
    {914, "NY", "US", kEastern},
    {915, "TX", "US", kMountain},         // trap: El Paso is Mountain, the rest of Texas Central
    {916, "CA", "US", kPacific},
    {917, "NY", "US", kEastern},
    {918, "OK", "US", kCentral},
    {919, "NC", "US", kEastern},
    {920, "WI", "US", kCentral},
    {925, "CA", "US", kPacific},
    {928, "AZ", "US", "America/Phoenix&America/Denver"},  // trap: the Navajo Nation keeps DST, Arizona does not
    {929, "NY", "US", kEastern},
    {930, "IN", "US", kIndianaSplit},     // overlay of 812
    {931, "TN", "US", kEasternCentral},   // trap: Cumberland County (Crossville) is Eastern
    {934, "NY", "US", kEastern},
    {936, "TX", "US", kCentral},
    {937, "OH", "US", kEastern},
    {938, "AL", "US", kCentral},
    {939, "PR", "US", "America/Puerto_Rico"},
    {940, "TX", "US", kCentral},
    {941, "FL", "US", kEastern},
    {942, "ON", "CA", kToronto},
    {943, "GA", "US", kEastern},
    {945, "TX", "US", kCentral},
    {947, "MI", "US", kMichigan},
    {948, "VA", "US", kEastern},
    {949, "CA", "US", kPacific},
    {951, "CA", "US", kPacific},
    {952, "MN", "US", kCentral},
    {954, "FL", "US", kEastern},
    {956, "TX", "US", kCentral},
    {959, "CT", "US", kEastern},
    {970, "CO", "US", kMountain},
    {971, "OR", "US", kPacific},
    {972, "TX", "US", kCentral},
    {973, "NJ", "US", kEastern},
    {975, "MO", "US", kCentral},
    {978, "MA", "US", kEastern},
    {979, "TX", "US", kCentral},
    {980, "NC", "US", kEastern},
    {983, "CO", "US", kMountain},
    {984, "NC", "US", kEastern},
    {985, "LA", "US", kCentral},
    {986, "ID", "US", kIdaho},            // overlay of 208
    {989, "MI", "US", kMichigan},
};

// Exchanges of split area codes whose rate centre, and so whose zone, is
// certain. Everything not listed keeps the area code's full set.
constexpr ExchangeZones kExchanges[] = {
    {208, "232 233 234 282 334 342 343 344 345 522 523 524 529 733 734", "America/Boise"},  // Pocatello, Boise, Idaho Falls, Twin Falls
    {208, "263 664 667 743 746 882 883 885", kPacific},                                     // Sandpoint, Coeur d'Alene, Lewiston, Moscow
    {219, "462 464 465 531 661 662 663 872 873 874 879 881 882 883 884 885 886 887 888 931 932 933 937 938", kCentral},  // Valparaiso, Crown Point, Michigan City, Gary, Hammond
    {270, "442 443 444 683 684 685 686 781 782 842 843", kCentral},  // Paducah, Owensboro, Bowling Green
    {270, "765 766 769", kEastern},                                  // Elizabethtown
    {306, "522 525 527 545 569 584 585 586 757 761 777 779 780 781 787 789 791", "America/Regina"},  // Regina
    {306, "242 244 249 373 374 382 384 652 653 664 665 668 931 933 934 955 956 966 975 978", "America/Regina"},  // Saskatoon
    {308, "234 236 237 381 382 384 389 532 534", kCentral},  // Kearney, Grand Island, North Platte
    {423, "245 246 247 265 266 267 472 476 478 479 756 757 764 926 928 929 968 989", kEastern},  // Kingsport, Chattanooga, Cleveland, Bristol, Johnson City
    {541, "342 343 344 345 346 382 383 385 388 389 485 686 687 737 753 754 757 758 772 773 776 779", kPacific},  // Eugene, Bend, Corvallis, Medford
    {541, "881 889", "America/Boise"},  // Ontario
    {605, "331 332 334 335 336 338 339 361 362 371", kCentral},  // Sioux Falls
    {605, "341 342 343 348", kMountain},                         // Rapid City
    {620, "225 227 275 276 342 343 662 663 665 669", kCentral},  // Dodge City, Garden City, Emporia, Hutchinson
    {709, "282 896 944", "America/Goose_Bay"},                   // Wabush, Happy Valley-Goose Bay, Labrador City
    {775, "322 323 324 325 326 327 328 329 331 333 334 335 337 348 355 356 358 359 882 883 884 885 887", kPacific},  // Reno, Sparks, Carson City
    {785, "232 233 234 235 266 267 271 272 273 532 537 539 749 776 823 825 826 827 841 842 843 864", kCentral},  // Topeka, Manhattan, Lawrence, Salina
    {807, "344 345 346 475 577 622 623 767 768", kToronto},      // Thunder Bay
    {807, "223 274 467 468 737", kWinnipeg},                     // Dryden, Fort Frances, Kenora, Sioux Lookout
    {812, "330 331 332 333 334 336 337 339 855 856", kIndiana},  // Bloomington
    {812, "421 422 423 424 425 426 428 429 473 474 475 476 477 479", kCentral},  // Evansville
    {850, "222 224 245 385 386 487 488 644 877 878 893", kEastern},  // Tallahassee
    {850, "243 244 432 433 434 435 438 474 476 477 478 479 484 654 763 769 784 785 837 872 913 914", kCentral},  // Fort Walton Beach, Pensacola, Destin, Panama City
    {906, "225 226 228 482 487 632 635 786 789", kMichigan},     // Marquette, Houghton, Sault Ste. Marie, Escanaba
    {906, "774 863 932", "America/Menominee"},                   // Iron Mountain, Menominee, Ironwood
    {907, "222 258 264 272 274 276 277 278 279 333 337 338 343 344 561 562 563", "America/Anchorage"},  // Anchorage
    {907, "586 789", "America/Anchorage"},                       // Juneau
};

constexpr ReferenceException kReferenceExceptions[] = {
    {689, "America/Chicago", "689 is the overlay of 407 and 321 (Orlando and the Space Coast), all Eastern."},
    {709, "America/Puerto_Rico", "No part of Newfoundland and Labrador keeps Atlantic Standard Time all year: the island and south-east Labrador use Newfoundland time, the rest of Labrador Atlantic time, all with DST."},
    {879, "America/Puerto_Rico", "Overlay of 709; see 709."},
    {867, "America/Vancouver", "Yukon left Pacific time in 2020 for UTC-7 all year (America/Whitehorse); the reference was generated in 2018."},
    {907, "Pacific/Honolulu", "No part of Alaska keeps Hawaii time: the Aleutians west of 169°30'W keep Hawaii-Aleutian time with DST (America/Adak), the rest Alaska time."},
};
// clang-format on

}  // namespace

absl::Span<const AreaCodeZones> NanpAreaCodes() { return kAreaCodes; }

absl::Span<const ExchangeZones> NanpExchanges() { return kExchanges; }

absl::Span<const ReferenceException> LibphonenumberExceptions() {
  return kReferenceExceptions;
}

}  // namespace herald
