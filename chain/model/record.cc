#include "chain/model/record.h"

#include "chain/model/record_verify.h"

#include "chain/base/hash.h"
#include "chain/base/limits.h"

namespace agritrace::chain {

Hash256 ComputeRecordId(std::string_view body, std::string_view signer,
                        std::string_view signature) {
  return Sha256Builder().Add(body).Add(signer).Add(signature).Finish();
}

Hash256 RecordSigningHash(std::string_view body) { return TaggedHash(kRecordTag, body); }

Result<Record> DecodeRecord(const v1::Envelope& envelope) {
  if (envelope.body().size() > kMaxRecordBodyBytes) {
    return Reject(Reason::kTooLarge, "the record body is " +
                                         std::to_string(envelope.body().size()) +
                                         " bytes; the limit is " +
                                         std::to_string(kMaxRecordBodyBytes));
  }
  auto signer = ArrayFromBytes<32>(envelope.signer());
  if (!signer) return Reject(Reason::kMalformed, "the signer must be a 32-byte x-only public key");
  auto signature = ArrayFromBytes<64>(envelope.signature());
  if (!signature) return Reject(Reason::kMalformed, "the signature must be 64 bytes (BIP-340)");
  Record record;
  if (!record.body.ParseFromString(envelope.body())) {
    return Reject(Reason::kMalformed, "the record body is not a valid RecordBody message");
  }
  if (record.body.event_case() == v1::RecordBody::EVENT_NOT_SET) {
    return Reject(Reason::kMalformed, "the record carries no event (or one this node does not know)");
  }
  record.envelope = envelope;
  record.signer = *signer;
  record.signature = *signature;
  record.id = ComputeRecordId(envelope.body(), envelope.signer(), envelope.signature());
  return record;
}

Result<Record> DecodeRecordBytes(std::string_view serialized_envelope) {
  if (serialized_envelope.size() > kMaxEnvelopeBytes) {
    return Reject(Reason::kTooLarge, "the signed record is " +
                                         std::to_string(serialized_envelope.size()) +
                                         " bytes; the limit is " +
                                         std::to_string(kMaxEnvelopeBytes));
  }
  v1::Envelope envelope;
  if (!envelope.ParseFromArray(serialized_envelope.data(),
                               static_cast<int>(serialized_envelope.size()))) {
    return Reject(Reason::kMalformed, "the signed record is not a valid Envelope message");
  }
  return DecodeRecord(envelope);
}

namespace {
Status BadRecordSignature() {
  return Reject(Reason::kBadSignature,
                "the signature does not match the record and signer key; it was altered or "
                "signed with another key");
}
}  // namespace

Status VerifyRecordSignature(const Record& record) {
  if (!VerifySchnorr(record.signer, RecordSigningHash(record.envelope.body()), record.signature)) {
    return BadRecordSignature();
  }
  return Status::Ok();
}

Status VerifyRecordSignature(const Record& record, const ParsedPubKey& signer) {
  if (!VerifySchnorrParsed(signer, RecordSigningHash(record.envelope.body()), record.signature)) {
    return BadRecordSignature();
  }
  return Status::Ok();
}

v1::Envelope SignRecord(const v1::RecordBody& body, const PrivateKey& key) {
  v1::Envelope envelope;
  body.SerializeToString(envelope.mutable_body());
  Signature sig = key.Sign(RecordSigningHash(envelope.body()));
  envelope.set_signer(AsBytes(key.public_key()));
  envelope.set_signature(AsBytes(sig));
  return envelope;
}

std::string_view EventName(const v1::RecordBody& body) {
  switch (body.event_case()) {
    case v1::RecordBody::kRegisterParticipant: return "register_participant";
    case v1::RecordBody::kHarvest: return "harvest";
    case v1::RecordBody::kTransform: return "transform";
    case v1::RecordBody::kShip: return "ship";
    case v1::RecordBody::kReceive: return "receive";
    case v1::RecordBody::kRegisterDevice: return "register_device";
    case v1::RecordBody::kSensorReadings: return "sensor_readings";
    case v1::RecordBody::kCheckpoint: return "checkpoint";
    case v1::RecordBody::kCertify: return "certify";
    case v1::RecordBody::kRecall: return "recall";
    case v1::RecordBody::kSell: return "sell";
    case v1::RecordBody::kRevoke: return "revoke";
    case v1::RecordBody::kCorrection: return "correction";
    case v1::RecordBody::kRotateKey: return "rotate_key";
    case v1::RecordBody::kCancelShipment: return "cancel_shipment";
    case v1::RecordBody::kLoss: return "loss";
    case v1::RecordBody::kAggregate: return "aggregate";
    case v1::RecordBody::kDisaggregate: return "disaggregate";
    case v1::RecordBody::kUpdateParticipant: return "update_participant";
    case v1::RecordBody::kCool: return "cool";
    case v1::RecordBody::kRegisterPlot: return "register_plot";
    case v1::RecordBody::kTransferPlot: return "transfer_plot";
    case v1::RecordBody::kRetirePlot: return "retire_plot";
    case v1::RecordBody::kInputApplication: return "input_application";
    case v1::RecordBody::kBanIngredient: return "ban_ingredient";
    case v1::RecordBody::kComplianceCert: return "compliance_cert";
    case v1::RecordBody::kProposeValidatorChange: return "propose_validator_change";
    case v1::RecordBody::kApproveValidatorChange: return "approve_validator_change";
    case v1::RecordBody::kWithdrawValidatorProposal: return "withdraw_validator_proposal";
    case v1::RecordBody::EVENT_NOT_SET: break;
  }
  return "none";
}

int64_t EventTimeOf(const v1::RecordBody& body) {
  if (body.event_time_ms() != 0) return body.event_time_ms();
  if (body.has_harvest() && body.harvest().harvest_time_ms() != 0) {
    return body.harvest().harvest_time_ms();
  }
  return body.timestamp_ms();
}

}  // namespace agritrace::chain
