#!/usr/bin/env bash
# The test-only TLS material of TlsSystemTest, made once with this script and kept (valid 100 years): a CA, a server
# certificate for 127.0.0.1, a client certificate and a server certificate for another host under it, and a rogue CA
# with a server certificate of its own, which the switch must not trust. EC P-256 keys in PKCS#8 PEM, which the JDK reads without extra providers. Never
# use any of these outside tests: the private keys are public.
set -euo pipefail
cd "$(dirname "$0")"
ca() {
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1-key.pem" -out "$1.pem" -days 36500 \
    -subj "/O=Interchange tests/CN=$2" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
leaf() { # name, signing CA, common name, extensions
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1-key.pem" -out "$1.csr" -subj "/O=Interchange tests/CN=$3"
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2-key.pem" -CAcreateserial -out "$1.pem" -days 36500 -extfile "$1.ext"
  rm "$1.csr" "$1.ext"
}
ca ca "Interchange test CA"
ca rogue-ca "Someone else's CA"
leaf server ca 127.0.0.1 $'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature'
leaf client ca "acquirer host" $'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature'
leaf other-host ca issuer.example $'subjectAltName=DNS:issuer.example,IP:10.1.2.3\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature'
leaf rogue-server rogue-ca 127.0.0.1 $'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature'
rm -f ./*.srl ca-key.pem rogue-ca-key.pem
