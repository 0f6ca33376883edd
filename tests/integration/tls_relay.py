#!/usr/bin/env python3
"""An on-path relay that terminates TLS: it accepts TLS connections with its own certificate of
the network CA, opens a TLS connection of its own (with its client certificate) to the target,
and copies the decrypted bytes both ways. Used by tls_test.sh to show that a node's handshake
does not survive such a relay (docs/security.md, scenario 8), and that a certificate is
accepted only for its own use (a client certificate as the relay's server certificate fails
the TLS handshake).

Usage: tls_relay.py LISTEN_PORT TARGET_HOST:PORT CA SERVER_CERT SERVER_KEY CLIENT_CERT CLIENT_KEY
Prints "listening" once it accepts connections; runs until killed."""
import socket, ssl, sys, threading

port, target, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3]
server_cert, server_key, client_cert, client_key = sys.argv[4:8]
host, tport = target.rsplit(":", 1)

server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(server_cert, server_key)
server_ctx.load_verify_locations(ca)
server_ctx.verify_mode = ssl.CERT_REQUIRED
server_ctx.set_alpn_protocols(["h2"])
client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
client_ctx.load_cert_chain(client_cert, client_key)
client_ctx.load_verify_locations(ca)
client_ctx.set_alpn_protocols(["h2"])


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(raw):
    try:
        inbound = server_ctx.wrap_socket(raw, server_side=True)
        outbound = client_ctx.wrap_socket(socket.create_connection((host, int(tport))),
                                          server_hostname=host)
    except (OSError, ssl.SSLError):
        raw.close()
        return
    threading.Thread(target=pipe, args=(inbound, outbound), daemon=True).start()
    pipe(outbound, inbound)


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(16)
print("listening", flush=True)
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
