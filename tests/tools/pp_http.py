"""Plain HTTP to a test server on 127.0.0.1: one request per connection
(http.client), or raw bytes over a socket for what http.client cannot send.
"""
import http.client
import socket

import pp_openapi


def request(port, path, method="GET", headers=None, body=None, timeout=30):
    """One request on a fresh connection; returns (status, headers with
    lower-case names, body bytes). Answers under /api/ must be what the
    OpenAPI document allows (pp_openapi; AssertionError otherwise)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()
    if path.startswith("/api/"):
        pp_openapi.check_response(method, path, *out)
    return out


def raw_exchange(port, data, timeout=30):
    """Sends raw bytes, returns everything the server sends until it closes
    (or resets the connection, or is silent for `timeout` s)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        return read_to_close(s, stop_on=(ConnectionResetError, socket.timeout))
    finally:
        s.close()


def read_to_close(sock, stop_on=()):
    """Everything `sock` receives until the peer closes the connection, or
    until recv raises one of the exceptions `stop_on` (others propagate)."""
    out = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except stop_on:
            return out
        if not chunk:
            return out
        out += chunk
