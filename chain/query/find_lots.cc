#include "chain/query/find_lots.h"

#include <cctype>
#include <string>

#include "chain/model/gs1.h"

namespace agritrace::chain {
namespace {

std::string Lower(const std::string& text) {
  std::string out = text;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<v1::FindLotsResponse> FindLots(const ChainStore& store, const v1::FindLotsRequest& request) {
  if (request.gtin().empty() == request.commodity().empty()) {
    return Reject(Reason::kMalformed, "name the product by exactly one of GTIN and commodity");
  }
  std::string prefix = "01/";
  if (!request.gtin().empty()) {
    AGRI_RETURN_IF_ERROR(ValidateGtin14(request.gtin()));
    prefix += request.gtin() + "/10/";
  }
  const std::string commodity = Lower(request.commodity());
  v1::FindLotsResponse response;
  size_t scanned = 0;
  store.ForEachLot(prefix, [&](const v1::LotState& lot) {
    if (++scanned > kMaxFindLotsScanned ||
        static_cast<size_t>(response.lots_size()) == kMaxFoundLots) {
      response.set_truncated(true);
      return false;
    }
    if (!commodity.empty() && Lower(lot.commodity()) != commodity) return true;
    if (request.created_before_ms() != 0 && lot.created_ms() > request.created_before_ms()) {
      return true;
    }
    *response.add_lots() = lot;
    return true;
  });
  return response;
}

}  // namespace agritrace::chain
