// Private to chain/store.cc: how ChainStore lays out keys and values in RocksDB.
//
// Heights and indexes are big-endian so that RocksDB's bytewise order is chain order. Lot keys
// ("01/{gtin}/10/{lot}") never contain a NUL byte (GS1 character set 82), so NUL separates a
// lot key from what follows it and a prefix scan over `lot_key + '\0'` sees one lot only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/base/bytes.h"

namespace agritrace::chain::store_internal {

// meta CF keys.
inline constexpr std::string_view kTipKey = "tip";
inline constexpr std::string_view kGenesisKey = "genesis";
// The validator-set governance (v1::ValidatorGovernance), written with the genesis state.
inline constexpr std::string_view kGovernanceKey = "validator_governance";

// blocks CF: be64(height).
std::string HeightKey(uint64_t height);
// nonces CF: signer || be64(nonce).
std::string NonceKey(const PubKey& signer, uint64_t nonce);
// history CF: lot_key || '\0' || be64(height) || be32(index) -> record id.
std::string HistoryPrefix(const std::string& lot_key);
std::string HistoryKey(const std::string& lot_key, uint64_t height, uint32_t index);
// lineage CF: "p" parent '\0' child and "c" child '\0' parent -> record id. The prefix of one
// lot's children is ChildrenPrefix(parent); of its parents, ParentsPrefix(child).
std::string ChildrenPrefix(const std::string& parent_key);
std::string ParentsPrefix(const std::string& child_key);

// meta "tip": be64(height) || 32-byte hash.
std::string EncodeTip(uint64_t height, const Hash256& hash);
bool DecodeTip(std::string_view value, uint64_t* height, Hash256* hash);

// blocks CF value: be32(count) || count record ids || serialized Block without its records
// (the envelopes live once, in the records CF).
std::string EncodeStoredBlock(const v1::Block& block, const std::vector<Hash256>& record_ids);
bool DecodeStoredBlock(std::string_view value, v1::Block* block, std::vector<Hash256>* record_ids);

// records CF value: be64(height) || be32(index) || serialized Envelope.
std::string EncodeStoredRecord(uint64_t height, uint32_t index, const v1::Envelope& envelope);
bool DecodeStoredRecord(std::string_view value, uint64_t* height, uint32_t* index,
                        v1::Envelope* envelope);

// evidence CF: Offence::Key() -> be64(committed height) || serialized Evidence.
std::string EncodeStoredEvidence(uint64_t height, const v1::Evidence& evidence);
bool DecodeStoredEvidence(std::string_view value, uint64_t* height, v1::Evidence* evidence);

}  // namespace agritrace::chain::store_internal
