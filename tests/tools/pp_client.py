"""An HTTP client for the integration tests of the signed-in site: one
browser or script with its own cookie jar, CSRF token, optional API token
and, behind a trusted proxy, its own client address; and signing in through
the link the SMTP sink (pp_community.start_sink) received; retrying as a
real client would, and many clients at once.
"""
import http.client
import itertools
import json
import re
import threading
import time
import urllib.parse

import pp_community
import pp_openapi

_CLIENT_NUMBERS = itertools.count(1)


class Client:
    """One HTTP client. With `forwarded`, every request carries an
    X-Forwarded-For address of its own (for servers started with
    --trusted-proxy 127.0.0.1/32, so per-client rate limits see many
    clients)."""

    def __init__(self, port, token=None, forwarded=False):
        self.port = port
        self.cookies = {}
        self.csrf = None
        self.token = token
        self.forwarded = None
        if forwarded:
            n = next(_CLIENT_NUMBERS)
            self.forwarded = "10.%d.%d.%d" % (n // 65536 % 256, n // 256 % 256, n % 256)

    def request(self, method, path, body=None, form=None, raw=None, content_type=None,
                headers=None, csrf=True):
        """Sends one request; returns (status, lower-cased headers, body bytes).
        `body` goes as JSON, `form` as a urlencoded form (lists repeat the
        key), `raw` as is with `content_type`. Answers under /api/ must be
        what the OpenAPI document allows (pp_openapi; AssertionError
        otherwise)."""
        hdrs = {}
        if self.forwarded:
            hdrs["X-Forwarded-For"] = self.forwarded
        hdrs.update(headers or {})
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form, doseq=True).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        elif raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode()
            if content_type:
                hdrs["Content-Type"] = content_type
        if self.cookies:
            hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if self.token:
            hdrs["Authorization"] = "Bearer " + self.token
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            hdrs["X-CSRF-Token"] = self.csrf
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            out = resp.read()
            for name, value in resp.getheaders():
                if name.lower() == "set-cookie":
                    k, _, rest = value.partition("=")
                    v = rest.split(";", 1)[0]
                    if v == "" or "Max-Age=0" in value:
                        self.cookies.pop(k, None)
                    else:
                        self.cookies[k] = v
            answer = resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), out
        finally:
            conn.close()
        if path.startswith("/api/"):
            pp_openapi.check_response(method, path, *answer)
        return answer

    def json(self, method, path, body=None, **kw):
        """Like request; the answer parsed as JSON (raw bytes when it is not)."""
        status, headers, raw = self.request(method, path, body=body, **kw)
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = raw
        return status, headers, doc


def link_token(msg):
    """The sign-in URL and token of a sign-in mail."""
    body = msg.get_body(preferencelist=("plain",)).get_content()
    m = re.search(r"(https?://\S+/login/confirm\?token=([A-Za-z0-9_-]+)\S*)", body)
    assert m, "no sign-in link in:\n" + body
    return m.group(1), m.group(2)


def sign_in(port, maildir, address, client=None, name=None):
    """Signs `address` in through the mailed link (the server mails to the
    sink writing `maildir`) and, with `name`, sets the account's display
    name; returns the signed-in Client (a new one unless `client` is given)."""
    c = client or Client(port)
    before = len(pp_community.mails_to(maildir, address))
    status, _, doc = c.json("POST", "/api/login", {"email": address})
    assert status == 202, (status, doc)
    _, token = link_token(pp_community.wait_for_mail(maildir, address, before + 1))
    status, _, doc = c.json("POST", "/api/login/confirm", {"token": token})
    assert status == 200, (status, doc)
    c.csrf = doc["csrfToken"]
    if name is not None:
        status, _, doc = c.json("PATCH", "/api/me", {"name": name})
        assert status == 200, (status, doc)
    return c


def with_retry(fn, attempts=20, statuses=(502, 503), errors=(OSError, http.client.HTTPException)):
    """fn() -> (status, ...), called again (backing off) while it answers one
    of `statuses` or raises one of `errors`, as a real client would; the
    first other answer. AssertionError when `attempts` calls do not get one."""
    last = None
    for i in range(attempts):
        try:
            last = fn()
        except errors as e:
            last = e
        else:
            if last[0] not in statuses:
                return last
        time.sleep(0.05 * (i + 1))
    raise AssertionError("no answer but %r in %d attempts" % (last, attempts))


def run_concurrently(calls):
    """Runs each call, a tuple (function, arguments...), in a thread of its
    own, all at once; returns when all have returned, raising the first
    exception one of them raised."""
    raised = []

    def run(fn, *args):
        try:
            fn(*args)
        except BaseException as e:  # noqa: BLE001 - raised below
            raised.append(e)

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if raised:
        raise raised[0]
