// Naming participants on the command line: a keystore name, a 64-hex public key, or an
// on-chain participant name, tried in that order.
#pragma once

#include <functional>
#include <string>

#include "agritrace/v1/records.pb.h"
#include "chain/base/bytes.h"
#include "chain/keystore/keystore.h"
#include "chain/base/status.h"

namespace agritrace::wallet {

// Looks a participant up on the chain by name (the node's GetParticipant); may be empty when
// no node is to be contacted.
using ParticipantLookup = std::function<chain::Result<v1::Participant>(const std::string& name)>;

// The public key `who` names. UNKNOWN_PARTICIPANT when nothing matches (or the lookup's own
// error, e.g. UNAVAILABLE, when the node could not be asked).
chain::Result<chain::PubKey> ResolveParticipant(const std::string& who,
                                                const chain::Keystore& keystore,
                                                const ParticipantLookup& lookup);

}  // namespace agritrace::wallet
