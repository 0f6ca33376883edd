#include "wallet-cli/participants.h"

namespace agritrace::wallet {

chain::Result<chain::PubKey> ResolveParticipant(const std::string& who,
                                                const chain::Keystore& keystore,
                                                const ParticipantLookup& lookup) {
  if (who.empty()) {
    return chain::Reject(chain::Reason::kUnknownParticipant, "an empty participant name was given");
  }
  if (auto info = keystore.Info(who); info.ok()) return info->pubkey;
  if (who.size() == 64) {
    if (auto key = chain::ArrayFromHex<32>(who)) return *key;
  }
  if (!lookup) {
    return chain::Reject(chain::Reason::kUnknownParticipant,
                         std::string("'") + who + "' is not a key in " + keystore.dir() +
                             " nor a 64-hex public key");
  }
  auto participant = lookup(who);
  if (!participant.ok()) {
    if (participant.status().reason() == chain::Reason::kNotFound ||
        participant.status().reason() == chain::Reason::kUnknownParticipant) {
      return chain::Reject(chain::Reason::kUnknownParticipant,
                           std::string("'") + who + "' is not a key in " + keystore.dir() +
                               ", a 64-hex public key, or a participant registered on the chain");
    }
    return participant.status();
  }
  auto key = chain::ArrayFromBytes<32>(participant->pubkey());
  if (!key) {
    return chain::Reject(chain::Reason::kInternal,
                         "the node returned a malformed public key for '" + who + "'");
  }
  return *key;
}

}  // namespace agritrace::wallet
