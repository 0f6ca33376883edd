// What the EPCIS and FSMA exporters work from: a lot's records (and its ancestors' with
// --lineage), the lots' states and the participants they name. The wallet gathers it from a
// node; tests build it directly. Plain data, no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/model/record.h"

namespace agritrace::chain {

struct ExportRecord {
  Record record;
  uint64_t height = 0;
  uint32_t index = 0;
};

struct ExportData {
  std::string root_lot;               // "01/{gtin}/10/{lot}"
  std::vector<ExportRecord> records;  // chain order, each once
  std::map<std::string, v1::LotState> lots;            // by lot key
  std::map<std::string, v1::Participant> participants;  // by raw public key bytes

  const v1::Participant* Party(const std::string& pubkey) const {
    auto it = participants.find(pubkey);
    return it == participants.end() ? nullptr : &it->second;
  }
  const v1::LotState* Lot(const std::string& lot_key) const {
    auto it = lots.find(lot_key);
    return it == lots.end() ? nullptr : &it->second;
  }
};

}  // namespace agritrace::chain
