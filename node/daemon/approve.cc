#include "node/daemon/approve.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <filesystem>

#include "agritrace/v1/ledger.grpc.pb.h"
#include "chain/io/file_util.h"
#include "chain/io/genesis_file.h"
#include "chain/base/keys.h"
#include "chain/keystore/keystore.h"
#include "chain/model/record.h"
#include "node/common/config.h"
#include "node/p2p/tls.h"

namespace agritrace::node {
namespace {

using chain::Reason;
using chain::Reject;
using chain::Status;

// The key file is a small JSON document.
constexpr size_t kMaxKeyFileBytes = 64 * 1024;
// Beyond the wait the node is asked for: connecting and answering.
constexpr uint32_t kRpcSlackMs = 10'000;

uint64_t FreshNonce() {
  uint64_t nonce = 0;
  while (nonce == 0) chain::RandomBytes(reinterpret_cast<uint8_t*>(&nonce), sizeof nonce);
  return nonce;
}

// A listen address as a dial address: a wildcard host is this machine.
std::string DialAddress(const std::string& listen) {
  for (const char* wildcard : {"0.0.0.0:", "[::]:"}) {
    const std::string prefix(wildcard);
    if (listen.rfind(prefix, 0) == 0) return "127.0.0.1:" + listen.substr(prefix.size());
  }
  return listen;
}

// The node's "REASON: sentence" back as a Status.
Status FromGrpc(const grpc::Status& status, const std::string& address) {
  const std::string& message = status.error_message();
  const size_t colon = message.find(": ");
  if (colon != std::string::npos) {
    const Reason reason = chain::ReasonFromName(message.substr(0, colon));
    if (reason != Reason::kInternal) return Reject(reason, message.substr(colon + 2));
  }
  return Status(Reason::kIoError, "node at " + address + ": " + message);
}

}  // namespace

Status ApproveProposal(const std::string& dir, const std::string& proposal_hex,
                       const std::string& password, std::ostream& out) {
  std::optional<std::string> proposal = chain::FromHex(proposal_hex);
  if (!proposal || proposal->size() != 32) {
    return Reject(Reason::kMalformed, "the proposal id must be 64 hex characters");
  }
  auto config = LoadConfig((std::filesystem::path(dir) / "node.toml").string());
  if (!config.ok()) return config.status();
  auto genesis = chain::LoadGenesis(config->Resolve(config->genesis_file));
  if (!genesis.ok()) return genesis.status();
  auto key_file = chain::ReadFile(config->Resolve(config->key_file), kMaxKeyFileBytes);
  if (!key_file.ok()) return key_file.status();
  auto key = chain::DecryptKey(*key_file, password);
  if (!key.ok()) return key.status();

  v1::RecordBody body;
  body.set_chain_id(genesis->chain_id);
  body.set_timestamp_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
  body.set_nonce(FreshNonce());
  body.mutable_approve_validator_change()->set_proposal_id(*proposal);
  const v1::Envelope envelope = chain::SignRecord(body, *key);

  auto credentials = PeerChannelCredentials(*config);  // the node's own TLS identity, if any
  if (!credentials.ok()) return credentials.status();
  const std::string address = DialAddress(config->grpc_addr);
  auto stub = v1::Ledger::NewStub(grpc::CreateChannel(address, *credentials));
  v1::SubmitRecordRequest request;
  *request.mutable_envelope() = envelope;
  request.set_wait_for_commit(true);
  request.set_timeout_ms(kApproveWaitMs);
  v1::SubmitRecordResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(kApproveWaitMs + kRpcSlackMs));
  grpc::Status status = stub->SubmitRecord(&context, request, &response);
  if (!status.ok()) return FromGrpc(status, address);
  const std::string id = chain::ToHex(response.record_id());
  if (!response.committed()) {
    out << "submitted approval " << id << " of proposal " << proposal_hex
        << "; not committed yet\n";
    return Status::Ok();
  }
  out << "approved proposal " << proposal_hex << " with node key "
      << chain::ToHex(key->public_key()) << ": record " << id << " committed at height "
      << response.height() << "\n";
  return Status::Ok();
}

}  // namespace agritrace::node
