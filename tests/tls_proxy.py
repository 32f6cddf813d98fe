"""A TLS-terminating proxy in front of an embedded server, for testing pgdrift's TLS settings.

The embedded PostgreSQL is built without OpenSSL, so this proxy answers PostgreSQL's SSLRequest,
completes the TLS handshake with a certificate from a throwaway CA, and forwards the plaintext
protocol to the server's TCP port. The client side is the real pg8000/ssl code pgdrift ships.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import socket
import ssl
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SSL_REQUEST = struct.pack("!ii", 8, 80877103)


@dataclass(frozen=True)
class Certificates:
    ca: Path  # the CA bundle a client should trust
    other_ca: Path  # a CA that did not sign the server's certificate
    cert: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, issuer: str, key: ec.EllipticCurvePrivateKey, signer: ec.EllipticCurvePrivateKey,
                 ca: bool, names: list[x509.GeneralName]) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(signer, hashes.SHA256())


def make_certificates(directory: Path, server_names: list[str]) -> Certificates:
    """A CA, a server certificate it signed for `server_names` (DNS names or IPs), another CA."""
    def pem(certificate: x509.Certificate) -> bytes:
        return certificate.public_bytes(serialization.Encoding.PEM)

    ca_key, other_key, server_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    names: list[x509.GeneralName] = []
    for name in server_names:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            names.append(x509.DNSName(name))
    paths = Certificates(ca=directory / "ca.pem", other_ca=directory / "other-ca.pem",
                         cert=directory / "server.pem", key=directory / "server.key")
    paths.ca.write_bytes(pem(_certificate("pgdrift test CA", "pgdrift test CA", ca_key, ca_key, True, [])))
    paths.other_ca.write_bytes(pem(_certificate("unrelated CA", "unrelated CA", other_key, other_key, True, [])))
    paths.cert.write_bytes(pem(_certificate(server_names[0], "pgdrift test CA", server_key, ca_key, False, names)))
    paths.key.write_bytes(server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
    return paths


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


def _serve(client: socket.socket, context: ssl.SSLContext, backend_port: int) -> None:
    with contextlib.suppress(OSError, ssl.SSLError):
        if client.recv(8) != SSL_REQUEST:
            client.close()
            return
        client.sendall(b"S")
        secure = context.wrap_socket(client, server_side=True)
        backend = socket.create_connection(("127.0.0.1", backend_port))
        threading.Thread(target=_pipe, args=(backend, secure), daemon=True).start()
        _pipe(secure, backend)


@contextlib.contextmanager
def tls_proxy(certificates: Certificates, backend_port: int) -> Iterator[int]:
    """Listen on 127.0.0.1; yield the port. Each connection must start with an SSLRequest."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates.cert, certificates.key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=_serve, args=(client, context, backend_port), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        listener.close()
