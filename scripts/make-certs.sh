#!/usr/bin/env bash
# A network CA and one TLS certificate per node (or client), for [tls] in node.toml and the
# wallet's --tls-* flags.
#
#   scripts/make-certs.sh DIR NAME...
#
# Writes DIR/ca.crt + DIR/ca.key (kept if they exist, so nodes can be added later) and, for
# each NAME, DIR/NAME.crt + DIR/NAME.key signed by that CA, usable as server and client
# certificate (mutual TLS). Every certificate names localhost and 127.0.0.1; add the host's
# real names with CERT_SANS, e.g. CERT_SANS="DNS:v1.example.org,IP:10.0.0.5". Keys are EC P-256,
# mode 600. Keep ca.key offline: whoever holds it can admit machines to the network.
set -euo pipefail
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
(($# >= 2)) || usage
command -v openssl >/dev/null || { echo "make-certs: openssl is not installed" >&2; exit 1; }
DIR=$1; shift
DAYS_CA=${CERT_DAYS_CA:-3650}
DAYS=${CERT_DAYS:-825}
mkdir -p "$DIR"
umask 077

if [[ ! -f $DIR/ca.key ]]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$DIR/ca.key" -sha256 -days "$DAYS_CA" \
    -subj "/O=AgriTrace/CN=AgriTrace network CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$DIR/ca.crt"
  echo "make-certs: new CA $DIR/ca.crt"
fi

for name in "$@"; do
  [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || { echo "make-certs: bad name '$name'" >&2; exit 2; }
  ext=$(mktemp)
  sans="DNS:localhost,IP:127.0.0.1,DNS:$name${CERT_SANS:+,$CERT_SANS}"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=$sans" >"$ext"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/$name.key" 2>/dev/null
  openssl req -new -key "$DIR/$name.key" -subj "/O=AgriTrace/CN=$name" -out "$DIR/$name.csr"
  openssl x509 -req -in "$DIR/$name.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" \
    -CAcreateserial -days "$DAYS" -sha256 -extfile "$ext" -out "$DIR/$name.crt" 2>/dev/null
  rm -f "$ext" "$DIR/$name.csr"
  chmod 644 "$DIR/$name.crt"
  echo "make-certs: $DIR/$name.crt ($sans)"
done
chmod 644 "$DIR/ca.crt"
