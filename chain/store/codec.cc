#include "chain/store/codec.h"

namespace agritrace::chain::store_internal {
namespace {

constexpr size_t kHashBytes = 32;
constexpr size_t kLocationBytes = 8 + 4;  // be64 height, be32 index

bool ParseMessage(std::string_view bytes, google::protobuf::MessageLite* message) {
  return message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace

std::string HeightKey(uint64_t height) {
  std::string key;
  AppendBigEndian64(key, height);
  return key;
}

std::string NonceKey(const PubKey& signer, uint64_t nonce) {
  std::string key = AsBytes(signer);
  AppendBigEndian64(key, nonce);
  return key;
}

std::string HistoryPrefix(const std::string& lot_key) { return lot_key + '\0'; }

std::string HistoryKey(const std::string& lot_key, uint64_t height, uint32_t index) {
  std::string key = HistoryPrefix(lot_key);
  AppendBigEndian64(key, height);
  AppendBigEndian32(key, index);
  return key;
}

std::string ChildrenPrefix(const std::string& parent_key) { return "p" + parent_key + '\0'; }

std::string ParentsPrefix(const std::string& child_key) { return "c" + child_key + '\0'; }

std::string EncodeTip(uint64_t height, const Hash256& hash) {
  std::string value;
  AppendBigEndian64(value, height);
  value.append(AsBytes(hash));
  return value;
}

bool DecodeTip(std::string_view value, uint64_t* height, Hash256* hash) {
  if (value.size() != 8 + kHashBytes) return false;
  *height = ReadBigEndian64(value);
  *hash = ArrayFromCheckedBytes<32>(value.substr(8));
  return true;
}

std::string EncodeStoredBlock(const v1::Block& block, const std::vector<Hash256>& record_ids) {
  std::string value;
  AppendBigEndian32(value, static_cast<uint32_t>(record_ids.size()));
  for (const Hash256& id : record_ids) value.append(AsBytes(id));
  // Without the records (stored by id), and without copying them first.
  v1::Block stripped;
  stripped.set_header(block.header());
  if (block.has_certificate()) *stripped.mutable_certificate() = block.certificate();
  *stripped.mutable_evidence() = block.evidence();
  stripped.AppendToString(&value);
  return value;
}

bool DecodeStoredBlock(std::string_view value, v1::Block* block, std::vector<Hash256>* record_ids) {
  if (value.size() < 4) return false;
  uint64_t count = ReadBigEndian32(value);
  value.remove_prefix(4);
  if (value.size() < count * kHashBytes) return false;
  record_ids->clear();
  record_ids->reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    record_ids->push_back(ArrayFromCheckedBytes<32>(value.substr(0, kHashBytes)));
    value.remove_prefix(kHashBytes);
  }
  return ParseMessage(value, block);
}

std::string EncodeStoredRecord(uint64_t height, uint32_t index, const v1::Envelope& envelope) {
  std::string value;
  AppendBigEndian64(value, height);
  AppendBigEndian32(value, index);
  envelope.AppendToString(&value);
  return value;
}

bool DecodeStoredRecord(std::string_view value, uint64_t* height, uint32_t* index,
                        v1::Envelope* envelope) {
  if (value.size() < kLocationBytes) return false;
  *height = ReadBigEndian64(value);
  *index = ReadBigEndian32(value.substr(8));
  return ParseMessage(value.substr(kLocationBytes), envelope);
}

std::string EncodeStoredEvidence(uint64_t height, const v1::Evidence& evidence) {
  std::string out;
  AppendBigEndian64(out, height);
  out.append(evidence.SerializeAsString());
  return out;
}

bool DecodeStoredEvidence(std::string_view value, uint64_t* height, v1::Evidence* evidence) {
  if (value.size() < 8) return false;
  *height = ReadBigEndian64(value);
  return evidence->ParseFromArray(value.data() + 8, static_cast<int>(value.size() - 8));
}

}  // namespace agritrace::chain::store_internal
