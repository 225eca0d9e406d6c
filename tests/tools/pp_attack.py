"""What the attack suite (tests/integration/attack_*_test.py) shares: the
payload corpora of tests/fixtures/attack, and checks that a payload stayed
data in HTML, JSON, Atom and mail.

"Inert" in HTML means: parsed as a browser's tokenizer does
(html.parser), the document has no element or attribute the site's own
pages do not have, no on* attribute, no URL attribute with a scheme other
than http(s)/mailto (javascript:, data:, vbscript:), and no script but the
site's own (src under /static/, empty content); and the payload shows as
text, verbatim.
"""
import html.parser
import json
import os
import xml.etree.ElementTree as ET

import pp_http
import pp_server

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPORA = os.path.join(ROOT, "tests", "fixtures", "attack")

ATOM = "{http://www.w3.org/2005/Atom}"
THR = "{http://purl.org/syndication/thread/1.0}"
# Elements a feed of ours may hold (Atom, RFC 4287; threading, RFC 4685).
ATOM_ELEMENTS = {ATOM + n for n in ("feed", "id", "title", "subtitle", "link", "updated",
                                    "published", "author", "name", "uri", "email", "entry",
                                    "summary", "content", "category", "generator", "icon",
                                    "logo", "rights", "contributor")} | {THR + "in-reply-to",
                                                                         THR + "total"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data",
                  "background", "srcset", "cite", "longdesc", "dynsrc", "lowsrc", "ping"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}


def corpus(name):
    """The payloads of tests/fixtures/attack/NAME: one per line, exactly as
    written (leading blanks kept); empty lines and '# ' comments skipped."""
    with open(os.path.join(CORPORA, name), encoding="utf-8") as f:
        lines = f.read().split("\n")
    return [line.rstrip("\r") for line in lines if line.strip() and not line.startswith("# ")]


def squash(s):
    """`s` with runs of white space made one blank and the ends trimmed, as
    the site may normalise fields."""
    return " ".join(s.split())


def scheme(url):
    """The scheme of `url` as a browser reads it (white space and controls
    dropped), lower case; "" for a relative URL."""
    probe = "".join(ch for ch in url if ord(ch) > 0x20).lower()
    colon = probe.find(":")
    ends = [i for i in (probe.find(c) for c in "/?#") if i >= 0]
    if colon < 0 or (ends and min(ends) < colon):
        return ""
    return probe[:colon]


class Scan(html.parser.HTMLParser):
    """Start tags (name, [(attr, value)]), the text outside scripts and
    styles, and the scripts (attrs, content) of a document."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []
        self.scripts = []
        self._raw = None  # [tag, attrs, content] while in <script>/<style>
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag in ("script", "style"):
            self._raw = [tag, dict(attrs), ""]

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if self._raw is not None and tag == self._raw[0]:
            if tag == "script":
                self.scripts.append((self._raw[1], self._raw[2]))
            self._raw = None

    def handle_data(self, data):
        if self._raw is not None:
            self._raw[2] += data
        else:
            self.text.append(data)

    def all_text(self):
        return squash(" ".join(self.text))


class Baseline:
    """The tags and attribute names the site's own pages use, learned from
    pages without payloads (plus what comment Markdown may produce)."""

    COMMENT_TAGS = {"p", "br", "em", "strong", "a", "code", "pre", "ul", "ol", "li", "hr", "h4",
                    "h5", "h6", "span", "blockquote"}
    COMMENT_ATTRS = {"href", "rel", "title", "class", "start"}

    def __init__(self):
        self.tags = set(self.COMMENT_TAGS)
        self.attrs = set(self.COMMENT_ATTRS)

    def learn(self, body):
        scan = Scan(body.decode("utf-8") if isinstance(body, bytes) else body)
        for tag, attrs in scan.tags:
            self.tags.add(tag)
            self.attrs.update(name for name, _ in attrs)


def inert_problems(body, baseline, shown=()):
    """Why `body` (an HTML document, str or bytes) is not inert, as a list of
    strings (empty when it is): see the module's doc. Each of `shown` must
    appear verbatim (white space squashed) in the document's text."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    scan = Scan(text)
    problems = []
    for tag, attrs in scan.tags:
        if tag not in baseline.tags:
            problems.append("element <%s %s> the site does not make" % (tag, attrs))
        for name, value in attrs:
            if name.startswith("on"):
                problems.append("<%s %s=%r>" % (tag, name, value))
            elif name not in baseline.attrs:
                problems.append("attribute <%s %s=%r> the site does not make" % (tag, name, value))
            if name in URL_ATTRIBUTES and scheme(value or "") not in SAFE_SCHEMES:
                problems.append("<%s %s=%r>" % (tag, name, value))
            if name in ("srcdoc", "style") and value and "script" in value.lower():
                problems.append("<%s %s=%r>" % (tag, name, value))
    for attrs, content in scan.scripts:
        if not (attrs.get("src") or "").startswith("/static/") or content.strip():
            problems.append("script %r %r" % (attrs, content[:200]))
    seen = scan.all_text()
    for s in shown:
        if squash(s) not in seen:
            problems.append("%r not shown as text" % s)
    return problems


def json_problems(status, headers, body, expect_status=200):
    """(problems, parsed document) of a JSON answer: its status, media type
    and syntax."""
    problems = []
    if status != expect_status:
        problems.append("status %d, wanted %d: %r" % (status, expect_status, body[:300]))
    ctype = headers.get("content-type", "")
    media = ctype.split(";")[0].strip()
    if not (media == "application/json" or (media.startswith("application/")
                                             and media.endswith("+json"))):
        problems.append("content-type %r" % ctype)
    try:
        doc = json.loads(body)
    except ValueError as e:
        return problems + ["not JSON: %s" % e], None
    return problems, doc


def atom_problems(body, baseline):
    """(problems, root element) of an Atom document: well-formed XML with
    only Atom (and threading) elements, and its HTML contents inert."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        return ["not XML: %s" % e], None
    problems = []
    for el in root.iter():
        if el.tag not in ATOM_ELEMENTS:
            problems.append("element %s in the feed" % el.tag)
        if el.tag in (ATOM + "content", ATOM + "summary", ATOM + "title") and \
                el.get("type") in ("html", "xhtml", "text/html"):
            # A feed reader renders it: it must be inert HTML as well.
            problems += ["%s: %s" % (el.tag, p)
                         for p in inert_problems("<div>%s</div>" % (el.text or ""), baseline)]
        for name, value in el.attrib.items():
            if name == "href" and scheme(value) not in SAFE_SCHEMES:
                problems.append("%s href=%r" % (el.tag, value))
    return problems, root


def mail_problems(msg, baseline, shown=()):
    """Problems of a mail parsed with email.policy.default: every header one
    line and from the expected set, the HTML part inert."""
    problems = []
    for name, value in msg.items():
        if "\n" in str(value) or "\r" in str(value):
            problems.append("header %s holds a line break: %r" % (name, str(value)))
    for name in ("Bcc", "Cc", "X-Injected"):
        if msg[name] is not None:
            problems.append("header %s: %r" % (name, msg[name]))
    part = msg.get_body(preferencelist=("html",))
    if part is not None:
        problems += ["html part: " + p
                     for p in inert_problems(part.get_content(), baseline, shown)]
    return problems


def wait_for_index(port):
    """Until the full search index answers: /healthz has index_lag 0 once
    an index is live and current; a search for a word (which the quick
    lookup index of a first build cannot answer) is asked too."""
    def caught_up():
        status, _, body = pp_http.request(port, "/healthz")
        if status != 200 or json.loads(body).get("index_lag") != 0:
            return False
        return pp_http.request(port, "/api/papers/search?q=video&limit=1")[0] == 200
    pp_server.wait_for("the search index", caught_up, timeout=120)
