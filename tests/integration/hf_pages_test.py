#!/usr/bin/env python3
"""What a reader of the site sees of Hugging Face's organisations and AI
summaries (issue 12), and papers as Markdown, over real HTTP with the real
binary: the real HF file ../shared/data/hf-daily-papers-json/daily/2026-06-30.json
imported, plus a crafted HF file whose organisation, summary and keywords are
markup, and an old-style paper (arXiv API Atom fixture).

Checks: cards and paper pages name each item's organisation as the file has
it, linked to /papers/org/{name}; each organisation page lists exactly that
file's papers of the organisation; the AI summary and keywords show exactly
for the papers the file gives them; /papers/{id}.md and Accept: text/markdown
(browsers still get HTML, also right after a cached HTML answer); escaping.
The server runs with its response cache on, as deployed.

usage: hf_pages_test.py PAPERPULSE_BINARY   (run by ctest)
"""
import copy
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import pp_http  # noqa: E402
import pp_server  # noqa: E402

BIN = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("PAPERPULSE_SHARED_DATA") or os.path.join(ROOT, "..", "shared", "data")
DAY = "2026-06-30"
HF_FILE = os.path.join(SHARED, "hf-daily-papers-json", "daily", DAY + ".json")
OLD_STYLE_ATOM = os.path.join(SHARED, "arxiv-api-atom", "arxiv.py-fixtures", "xml",
                              "id_astro-ph_0601001_s0_m100_3150dca9dc76.xml")
OLD_STYLE_ID = "astro-ph/0601001"

CRAFTED_DAY = "2026-07-01"
CRAFTED_ID = "2607.00001"
CRAFTED_ORG = "evil-org"
CRAFTED_FULLNAME = '<script>alert("org")</script> & "Lab"'
CRAFTED_SUMMARY = '<img src=x onerror=alert(7)> summarises it'
CRAFTED_KEYWORD = '"><script>alert(8)</script>'
CRAFTED_ABSTRACT = r"We bound $\mathcal{O}(n^2)$ and $x_i<y_{j}$ with \emph{care}."

BROWSER_ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
                  "image/webp,*/*;q=0.8")
STATE = {}


def get(path, accept=None):
    headers = {"Accept": accept} if accept else {}
    status, headers, body = pp_http.request(STATE["port"], path, headers=headers)
    return status, headers, body.decode("utf-8")


def page(path, status=200):
    got, headers, body = get(path)
    if got != status:
        raise AssertionError("%s: %d, wanted %d\n%s" % (path, got, status, body[:1500]))
    return body


def org_shown(item):
    """The organisation's name as a reader should see it (fullname, else
    name), and its account name; None when the item has none."""
    org = item.get("organization") or item["paper"].get("organization")
    if not org:
        return None
    return (org.get("fullname") or org["name"]).strip(), org["name"]


def cards(body):
    """{paper id: card HTML} of a card list."""
    out = {}
    for m in re.finditer(r'<li class="card" id="paper-([^"]+)">(.*?)</li>', body, re.S):
        out[m.group(1)] = m.group(2)
    return out


def org_links(fragment):
    """(href, text) of the organisation links in `fragment`, text unescaped."""
    return [(html.unescape(h), html.unescape(t).strip())
            for h, t in re.findall(r'<p class="(?:paper-)?org"><a (?:class="org" )?href="([^"]+)">([^<]*)</a>', fragment)]


def ai_panel(body):
    """(summary, [(href, keyword)]) of a paper page's AI summary panel, text
    unescaped; AssertionError when the page has none."""
    m = re.search(r'<section class="panel ai-summary"(.*?)</section>', body, re.S)
    if not m:
        raise AssertionError("no AI summary panel")
    panel = m.group(1)
    summary = re.search(r'<p class="math">([^<]*)</p>', panel)
    keywords = re.findall(r'<a class="chip" href="([^"]+)">([^<]*)</a>', panel)
    return (html.unescape(summary.group(1)) if summary else None,
            [(html.unescape(h), html.unescape(k)) for h, k in keywords])


def crafted_file(path, real_items):
    item = copy.deepcopy(real_items[0])
    p = item["paper"]
    p["id"] = CRAFTED_ID
    p["title"] = item["title"] = "Crafted organisation paper"
    p["summary"] = item["summary"] = CRAFTED_ABSTRACT
    p["ai_summary"] = CRAFTED_SUMMARY
    p["ai_keywords"] = [CRAFTED_KEYWORD, "plain keyword"]
    org = {"_id": "0" * 24, "name": CRAFTED_ORG, "fullname": CRAFTED_FULLNAME, "avatar": ""}
    p["organization"] = item["organization"] = org
    for key in ("publishedAt", "submittedOnDailyAt"):
        if key in p:
            p[key] = CRAFTED_DAY + "T08:00:00.000Z"
    item["publishedAt"] = CRAFTED_DAY + "T08:00:00.000Z"
    with open(path, "w") as f:
        json.dump([item], f)


def setUpModule():
    with open(HF_FILE) as f:
        STATE["items"] = json.load(f)
    tmp = tempfile.mkdtemp(prefix="pp_hf_pages_")
    STATE["tmp"] = tmp
    inputs = os.path.join(tmp, "inputs")
    os.makedirs(inputs)
    shutil.copy(HF_FILE, inputs)
    shutil.copy(OLD_STYLE_ATOM, inputs)
    crafted_file(os.path.join(inputs, CRAFTED_DAY + ".json"), STATE["items"])
    data = os.path.join(tmp, "data")
    subprocess.run([BIN, "import", "--data-dir", data, inputs], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    # The response cache stays on: a negotiated answer must not be served
    # for the other representation.
    log_path = os.path.join(tmp, "serve.log")
    proc, port, log = pp_server.start_server(BIN, data, log_path, "--no-harvest",
                                             "--no-access-log")
    STATE.update(proc=proc, port=port, log=log, log_path=log_path)


def tearDownModule():
    try:
        if "proc" in STATE:
            pp_server.stop_server_cleanly(STATE["proc"], STATE["log"], STATE["log_path"])
    finally:
        shutil.rmtree(STATE["tmp"], ignore_errors=True)


class Organisations(unittest.TestCase):
    def test_cards_show_each_items_organisation_as_the_file_has_it(self):
        shown = cards(page("/papers/date/" + DAY))
        self.assertEqual(set(shown), {i["paper"]["id"] for i in STATE["items"]})
        with_org = 0
        for item in STATE["items"]:
            pid, org = item["paper"]["id"], org_shown(item)
            links = org_links(shown[pid])
            if org is None:
                self.assertEqual(links, [], pid)
                continue
            with_org += 1
            self.assertEqual(links, [("/papers/org/" + urllib.parse.quote(org[1], safe=""),
                                      org[0])], pid)
        self.assertGreater(with_org, 10)
        # Week and month cards too.
        self.assertIn('href="/papers/org/Tsinghua">Tsinghua University</a>',
                      page("/papers/week/2026-W27"))

    def test_paper_pages_show_the_organisation(self):
        for item in STATE["items"]:
            pid, org = item["paper"]["id"], org_shown(item)
            body = page("/papers/" + pid)
            start = body.index('<header class="paper-head">')
            head = body[start:body.index("</header>", start)]
            links = org_links(head)
            if org is None:
                self.assertEqual(links, [], pid)
            else:
                self.assertEqual(links, [("/papers/org/" + urllib.parse.quote(org[1], safe=""),
                                          org[0])], pid)

    def test_each_organisation_page_lists_exactly_its_papers(self):
        by_org = {}
        for item in STATE["items"]:
            org = org_shown(item)
            if org:
                by_org.setdefault(org[1], (org[0], set()))[1].add(item["paper"]["id"])
        for name, (fullname, ids) in by_org.items():
            body = page("/papers/org/" + urllib.parse.quote(name, safe=""))
            self.assertIn("<h1>%s</h1>" % html.escape(fullname, quote=True), body, name)
            self.assertEqual(set(cards(body)), ids, name)

    def test_unknown_organisation_is_a_404_page(self):
        body = page("/papers/org/no-such-org-anywhere", status=404)
        self.assertIn("<!doctype html>", body)
        self.assertIn("no-such-org-anywhere", body)
        # Account names compare exactly.
        page("/papers/org/tsinghua", status=404)

    def test_markup_in_an_organisation_is_inert(self):
        escaped = html.escape(CRAFTED_FULLNAME, quote=True)
        for path in ["/papers/date/" + CRAFTED_DAY, "/papers/" + CRAFTED_ID,
                     "/papers/org/" + CRAFTED_ORG]:
            body = page(path)
            self.assertNotIn('<script>alert("org")', body, path)
            self.assertNotIn("<img src=x", body, path)
            self.assertNotIn("<script>alert(8)", body, path)
            self.assertIn(escaped, body, path)


class AiSummaries(unittest.TestCase):
    def test_shown_exactly_when_the_file_has_them(self):
        without = 0
        for item in STATE["items"]:
            p = item["paper"]
            body = page("/papers/" + p["id"])
            summary, keywords = p.get("ai_summary"), p.get("ai_keywords") or []
            if not summary and not keywords:
                without += 1
                self.assertNotIn("AI summary", body, p["id"])
                self.assertNotIn("ai-keywords", body, p["id"])
                continue
            self.assertIn("machine-written, from Hugging Face", body, p["id"])
            shown_summary, shown_keywords = ai_panel(body)
            self.assertEqual(shown_summary, summary.strip() if summary else None, p["id"])
            self.assertEqual(shown_keywords,
                             [("/search?q=" + urllib.parse.quote('"%s"' % k, safe=""), k)
                              for k in keywords], p["id"])
        self.assertGreater(without, 0, "the file has a paper without a summary")

    def test_markup_in_a_summary_is_inert(self):
        body = page("/papers/" + CRAFTED_ID)
        self.assertNotIn("<img src=x", body)
        self.assertNotIn("<script>alert(8)", body)
        summary, keywords = ai_panel(body)
        self.assertEqual(summary, CRAFTED_SUMMARY)
        self.assertEqual([k for _, k in keywords], [CRAFTED_KEYWORD, "plain keyword"])


class Markdown(unittest.TestCase):
    def test_md_of_a_listed_paper(self):
        item = next(i for i in STATE["items"]
                    if org_shown(i) and i["paper"].get("ai_summary"))
        p = item["paper"]
        status, headers, md = get("/papers/%s.md" % p["id"])
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "text/markdown; charset=utf-8")
        self.assertTrue(md.startswith("# " + " ".join(p["title"].split()) + "\n"), md[:200])
        self.assertIn("[%s](https://arxiv.org/abs/%s)" % (p["id"], p["id"]), md)
        self.assertIn("[PDF](https://arxiv.org/pdf/%s)" % p["id"], md)
        self.assertIn("**Authors:** " + p["authors"][0]["name"], md)
        self.assertIn("- **Upvotes:** ", md)
        self.assertIn("- **Organization:** ", md)
        self.assertIn(org_shown(item)[0], md)
        self.assertIn("## AI summary (from Hugging Face)\n\n" + p["ai_summary"].strip(), md)
        self.assertIn("## Abstract\n\n", md)
        self.assertLess(md.index("## AI summary"), md.index("## Abstract"))

    def test_tex_is_kept_verbatim(self):
        status, _, md = get("/papers/%s.md" % CRAFTED_ID)
        self.assertEqual(status, 200)
        self.assertTrue(md.endswith("## Abstract\n\n" + CRAFTED_ABSTRACT + "\n"), md[-300:])
        self.assertIn(CRAFTED_SUMMARY, md)  # text, not HTML: nothing to escape

    def test_old_style_ids_and_unknown_ids(self):
        status, headers, md = get("/papers/%s.md" % OLD_STYLE_ID)
        self.assertEqual(status, 200, md[:300])
        self.assertIn("[%s](https://arxiv.org/abs/%s)" % (OLD_STYLE_ID, OLD_STYLE_ID), md)
        self.assertNotIn("AI summary", md)
        status, headers, body = get("/papers/2401.99999.md")
        self.assertEqual(status, 404)
        self.assertTrue(headers["content-type"].startswith("text/plain"))
        status, _, _ = get("/papers/not-an-id.md")
        self.assertEqual(status, 404)

    def test_accept_negotiation_on_the_paper_page(self):
        pid = STATE["items"][1]["paper"]["id"]
        md = get("/papers/%s.md" % pid)[2]
        # A browser first: its HTML answer is cached; a Markdown client
        # right after must still get Markdown, and the other way round.
        for order in (["html", "md"], ["md", "html"]):
            for kind in order:
                accept = BROWSER_ACCEPT if kind == "html" else "text/markdown"
                status, headers, body = get("/papers/" + pid, accept)
                self.assertEqual(status, 200)
                self.assertIn("Accept", headers.get("vary", ""), headers)
                if kind == "html":
                    self.assertTrue(headers["content-type"].startswith("text/html"), order)
                    self.assertIn('href="/papers/%s.md"' % pid, body)
                else:
                    self.assertEqual(headers["content-type"], "text/markdown; charset=utf-8",
                                     order)
                    self.assertEqual(body, md)
            pid = STATE["items"][2]["paper"]["id"]
            md = get("/papers/%s.md" % pid)[2]
        # Preferred only by q-value; ties and no Accept give the page.
        for accept, wanted in [("text/html;q=0.5, text/markdown", "text/markdown"),
                               ("text/markdown, text/html", "text/html"),
                               ("text/markdown;q=0.2, */*", "text/html"),
                               (None, "text/html")]:
            status, headers, _ = get("/papers/" + pid, accept)
            self.assertTrue(headers["content-type"].startswith(wanted), (accept, headers))
        status, headers, _ = get("/papers/2401.99999", "text/markdown")
        self.assertEqual(status, 404)
        self.assertTrue(headers["content-type"].startswith("text/plain"))

    def test_the_page_names_its_markdown(self):
        pid = STATE["items"][0]["paper"]["id"]
        status, headers, body = get("/papers/" + pid, BROWSER_ACCEPT)
        link = '</papers/%s.md>; rel="alternate"; type="text/markdown"' % pid
        self.assertIn(link, headers.get("link", ""))
        self.assertIn('<link rel="alternate" type="text/markdown" href="/papers/%s.md">' % pid,
                      body)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
