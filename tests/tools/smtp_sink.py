#!/usr/bin/env python3
"""An SMTP server on loopback that keeps every message it receives, for
integration tests of paperpulse's mail (sign-in links, digests).

    python3 tests/tools/smtp_sink.py --port 0 --dir DIR [--fail-rcpt ADDR]...
                                     [--tempfail N] [--delay SECONDS] [--auth]

- Prints "PORT <n>" as the first line of stdout once it accepts connections
  (--port 0 lets the OS pick a free port), then runs until SIGTERM or SIGINT,
  or until its parent process exits (so a crashed test leaves nothing behind).
- Writes the N-th accepted message (from 1) to DIR/NNNN.eml, byte for byte as
  received after SMTP's dot-unstuffing (CRLF line ends), and its envelope to
  DIR/NNNN.json: {"mail_from", "rcpt_tos", "auth_user"}. The .json is written
  first and each file appears by an atomic rename, so a reader that sees
  NNNN.eml can read both. The message is on disk before the server answers
  250 to its DATA, so a client's successful send means the file is there.
- --fail-rcpt ADDR (repeatable): RCPT TO:<ADDR> is answered 550 (the address
  rejected for good); other recipients of the same message are accepted.
- --tempfail N: each message is answered 451 after its DATA (try again
  later) and not written for its first N tries, then accepted, as a
  greylisting server does. Tries of one message are told apart from other
  messages by its Message-ID header (by its bytes when it has none), so a
  client that re-sends the same mail sees 451 N times, then 250.
- --delay SECONDS: wait that long before answering each DATA (after the
  message is on disk when it is accepted), so a client's run of many
  messages is slow enough to be interrupted part-way.
- --auth: AUTH PLAIN and LOGIN are offered without TLS, any user name and
  password are accepted, and MAIL is refused (530) before AUTH.

Uses python3-aiosmtpd from Debian (a python3 first on PATH from pyenv or a
venv may lack it: Debian's dist-packages are then added to the path).
"""

import argparse
import asyncio
import email.parser
import email.policy
import hashlib
import json
import logging
import os
import signal
import socket
import sys
import warnings

try:
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError:
    sys.path.append("/usr/lib/python3/dist-packages")
    from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    """aiosmtpd handler: the hooks below are called by name."""

    def __init__(self, directory, fail_rcpt, tempfail, delay):
        self.directory = directory
        self.fail_rcpt = {a.lower() for a in fail_rcpt}
        self.tempfail = tempfail
        self.delay = delay
        self.tries = {}  # message key -> tries answered 451 so far
        # Numbering continues after messages already in the directory.
        self.count = max((int(n[:4]) for n in os.listdir(directory)
                          if len(n) == 8 and n.endswith(".eml") and n[:4].isdigit()), default=0)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.fail_rcpt:
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.tempfail > 0:
            key = message_key(envelope.original_content)
            if self.tries.get(key, 0) < self.tempfail:
                self.tries[key] = self.tries.get(key, 0) + 1
                await asyncio.sleep(self.delay)
                return "451 4.3.0 Temporary failure, try again later"
        self.count += 1
        stem = os.path.join(self.directory, "%04d" % self.count)
        auth_user = None
        if session.authenticated and session.auth_data is not None:
            auth_user = session.auth_data.login.decode("utf-8", "replace")
        envelope_json = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                         "auth_user": auth_user}
        write_atomically(stem + ".json", json.dumps(envelope_json).encode("utf-8"))
        write_atomically(stem + ".eml", envelope.original_content)
        count = self.count
        await asyncio.sleep(self.delay)
        return "250 OK: queued as %04d" % count


def message_key(content):
    """What tells one message's tries apart from other messages: its
    Message-ID, or a hash of its bytes when it has none."""
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(content)
    message_id = (headers.get("Message-ID") or "").strip()
    return message_id or hashlib.sha256(content).hexdigest()


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def accept_any_login(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=True, auth_data=auth_data)


async def serve(args):
    loop = asyncio.get_running_loop()
    sink = Sink(args.dir, args.fail_rcpt, args.tempfail, args.delay)
    options = {"hostname": "smtp-sink.localhost", "loop": loop}
    if args.auth:
        # AUTH without TLS is what --auth is for (a loopback test server).
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
        logging.getLogger("mail.log").setLevel(logging.ERROR)
        options.update(authenticator=accept_any_login, auth_required=True, auth_require_tls=False)
    # A socket of our own: aiosmtpd's Controller cannot report the port the
    # OS picked for port 0.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    server = await loop.create_server(lambda: SMTP(sink, **options), sock=sock)
    print("PORT %d" % sock.getsockname()[1], flush=True)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    parent = os.getppid()
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except asyncio.TimeoutError:
            if os.getppid() != parent:  # orphaned: the test that started us is gone
                break
    server.close()
    await server.wait_closed()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dir", required=True, help="where NNNN.eml and NNNN.json are written")
    parser.add_argument("--fail-rcpt", action="append", default=[], metavar="ADDRESS",
                        help="answer 550 to RCPT TO this address (repeatable)")
    parser.add_argument("--tempfail", type=int, default=0, metavar="N",
                        help="answer 451 to the first N tries of each message")
    parser.add_argument("--delay", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long before answering each DATA")
    parser.add_argument("--auth", action="store_true",
                        help="require AUTH (PLAIN/LOGIN without TLS), accepting any credentials")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
