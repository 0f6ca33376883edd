#!/usr/bin/env bash
# A network CA and TLS certificates for nodes and clients, for [tls] in node.toml and the
# wallet's --tls-* flags. Each certificate is for one use only.
#
#   scripts/make-certs.sh DIR NAME=NODEKEY... [NAME...]
#
# Writes DIR/ca.crt + DIR/ca.key (kept if they exist, so nodes can be added later), then:
#  NAME=NODEKEY  a node. NODEKEY is its public key (64 hex), its node directory or its
#                node_key.json. DIR/NAME.crt + .key: server certificate (serverAuth only) for
#                tls.cert_file; DIR/NAME-client.crt + .key: client certificate (clientAuth
#                only) for tls.client_cert_file, for dialing peers. Both name the node key as
#                URI urn:agritrace:node:<hex> in subjectAltName; peers refuse a certificate
#                that does not name the key the node authenticates with.
#  NAME          a client (a wallet, a script): DIR/NAME.crt + .key, clientAuth only.
# A node's certificates name localhost and 127.0.0.1; add the host's real names with CERT_SANS,
# e.g. CERT_SANS="DNS:v1.example.org,IP:10.0.0.5". Keys are EC P-256, mode 600. Keep ca.key
# offline: whoever holds it can admit machines to the network.
set -euo pipefail
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
(($# >= 2)) || usage
command -v openssl >/dev/null || { echo "make-certs: openssl is not installed" >&2; exit 1; }
DIR=$1; shift
DAYS_CA=${CERT_DAYS_CA:-3650}
DAYS=${CERT_DAYS:-825}
mkdir -p "$DIR"
umask 077

# The node key as 64 lower-case hex, from hex, a node directory or a node_key.json.
node_key_hex() {
  local spec=$1 file hex
  if [[ $spec =~ ^[0-9a-fA-F]{64}$ ]]; then echo "${spec,,}"; return; fi
  file=$spec
  [[ -d $spec ]] && file=$spec/node_key.json
  [[ -f $file ]] || { echo "make-certs: '$spec' is neither a 64-hex key nor a node key file or directory" >&2; exit 2; }
  hex=$(tr -d '\n' <"$file" | sed -n 's/.*"pubkey"[[:space:]]*:[[:space:]]*"\([0-9a-fA-F]\{64\}\)".*/\1/p')
  [[ -n $hex ]] || { echo "make-certs: $file holds no \"pubkey\"" >&2; exit 2; }
  echo "${hex,,}"
}

# issue FILE_BASE CN USAGE SANS
issue() {
  local base=$1 cn=$2 usage=$3 sans=$4 ext
  ext=$(mktemp)
  printf '%s\n' "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=critical,$usage" "subjectAltName=$sans" >"$ext"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$base.key" 2>/dev/null
  openssl req -new -key "$base.key" -subj "/O=AgriTrace/CN=$cn" -out "$base.csr"
  openssl x509 -req -in "$base.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" \
    -CAcreateserial -days "$DAYS" -sha256 -extfile "$ext" -out "$base.crt" 2>/dev/null
  rm -f "$ext" "$base.csr"
  chmod 644 "$base.crt"
  echo "make-certs: $base.crt ($usage; $sans)"
}

if [[ ! -f $DIR/ca.key ]]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$DIR/ca.key" -sha256 -days "$DAYS_CA" \
    -subj "/O=AgriTrace/CN=AgriTrace network CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$DIR/ca.crt"
  echo "make-certs: new CA $DIR/ca.crt"
fi

for arg in "$@"; do
  name=${arg%%=*}
  [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || { echo "make-certs: bad name '$name'" >&2; exit 2; }
  if [[ $arg == *=* ]]; then
    key=$(node_key_hex "${arg#*=}")
    urn="URI:urn:agritrace:node:$key"
    sans="DNS:localhost,IP:127.0.0.1,DNS:$name${CERT_SANS:+,$CERT_SANS},$urn"
    issue "$DIR/$name" "$name" serverAuth "$sans"
    issue "$DIR/$name-client" "$name" clientAuth "$sans"
  else
    issue "$DIR/$name" "$name" clientAuth "DNS:$name"
  fi
done
chmod 644 "$DIR/ca.crt"
