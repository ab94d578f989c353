#pragma once
// Placement types and legal statuses, in the vocabulary of the SSDA903 return
// (DfE, Children looked after in England: placement codes U1-U6, K1, K2, H5, P1,
// Z1; legal status codes V2, L2, C1, C2, E1), so scenario files and outputs use
// the words local authorities' own data use.
#include <array>
#include <cstdint>
#include <string_view>

namespace sgsim::models {

enum class PlacementType : uint8_t {
  kinship,            // U1: foster placement with a relative or friend
  in_house_foster,    // U4, provider PR1: the authority's own foster carers
  specialist_foster,  // U4, PR1: experienced carers for older children with complex needs (EVIDENCE.md §2.4)
  ifa_foster,         // U4, PR4/PR5: independent fostering agency carers
  la_home,            // K2, PR1: the authority's own children's homes
  private_home,       // K2, PR4: private and voluntary children's homes
  supported,          // H5: supported accommodation, 16 and 17 only
  secure,             // K1: secure children's home, a national pool (s25 welfare)
  with_parents,       // P1: placed with parents under a care order
  emergency,          // U6: bridging or crisis foster care while a planned placement is found
  unregulated,        // Z1: other (unregistered) settings when nothing fits
};
inline constexpr size_t kPlacementTypes = 11;

inline constexpr std::array<std::string_view, kPlacementTypes> kPlacementTypeNames = {
    "kinship", "in_house_foster", "specialist_foster", "ifa_foster", "la_home", "private_home",
    "supported", "secure", "with_parents", "emergency", "unregulated"};
inline constexpr std::array<std::string_view, kPlacementTypes> kSsda903Placement = {
    "U1", "U4", "U4", "U4", "K2", "K2", "H5", "K1", "P1", "U6", "Z1"};
// SSDA903 placement provider: PR0 parent, PR1 own provision, PR4 private, PR5 voluntary;
// none for Z1 (DfE's list has no provider code for an unregistered setting).
inline constexpr std::array<std::string_view, kPlacementTypes> kSsda903Provider = {
    "PR1", "PR1", "PR1", "PR4", "PR1", "PR4", "PR4", "PR1", "PR0", "PR1", ""};

// The headline placement categories of DESIGN.md §5 (cla_<category>).
inline constexpr size_t kCategories = 8;
inline constexpr std::array<std::string_view, kCategories> kCategoryNames = {
    "kinship", "in_house_foster", "ifa_foster", "childrens_home", "supported", "with_parents", "secure", "other"};
inline constexpr std::array<uint8_t, kPlacementTypes> kCategoryOf = {0, 1, 1, 2, 3, 3, 4, 6, 5, 7, 7};

// Types whose places are rows in the providers table (the others are found per child).
inline constexpr bool has_providers(PlacementType t) {
  return t == PlacementType::in_house_foster || t == PlacementType::specialist_foster ||
         t == PlacementType::ifa_foster || t == PlacementType::la_home || t == PlacementType::private_home ||
         t == PlacementType::supported || t == PlacementType::secure;
}
// Children's homes and supported accommodation: children live with others there.
inline constexpr bool is_group_living(PlacementType t) {
  return t == PlacementType::la_home || t == PlacementType::private_home || t == PlacementType::supported;
}
inline constexpr bool is_foster(PlacementType t) {
  return t == PlacementType::kinship || t == PlacementType::in_house_foster ||
         t == PlacementType::specialist_foster || t == PlacementType::ifa_foster;
}

// Legal status while looked after (SSDA903 codes).
enum class LegalStatus : uint8_t {
  none,
  s20,                  // V2: accommodated under section 20 with parental agreement
  emergency_protection, // L2: emergency protection order (or police protection, L1)
  interim_care_order,   // C1
  care_order,           // C2
  placement_order,      // E1: authorised to be placed for adoption
};
inline constexpr size_t kLegalStatuses = 6;
inline constexpr std::array<std::string_view, kLegalStatuses> kLegalStatusNames = {
    "none", "s20", "emergency_protection", "interim_care_order", "care_order", "placement_order"};
inline constexpr std::array<std::string_view, kLegalStatuses> kSsda903Legal = {"", "V2", "L2", "C1", "C2", "E1"};

// How a period of care began.
enum class EntryRoute : uint8_t { s20, emergency_protection, proceedings, adolescent_crisis };
inline constexpr size_t kEntryRoutes = 4;
inline constexpr std::array<std::string_view, kEntryRoutes> kEntryRouteNames = {"s20", "emergency_protection",
                                                                                "proceedings", "adolescent_crisis"};

// How a period of care ended (SSDA903 reason episode ceased, REC).
enum class ExitReason : uint8_t { return_home, adoption, special_guardianship, age_18, moved_away };
inline constexpr size_t kExitReasons = 5;
inline constexpr std::array<std::string_view, kExitReasons> kExitReasonNames = {
    "return_home", "adoption", "special_guardianship", "age_18", "moved_away"};
inline constexpr std::array<std::string_view, kExitReasons> kSsda903Reason = {"E4A", "E11", "E43", "E17", "E8"};

}  // namespace sgsim::models
