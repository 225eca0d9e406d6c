#!/usr/bin/env python3
"""The HTML pages of `paperpulse serve`, with the real binary over a store
imported from ../shared/data (see tests/e2e/pp_site.py for the slice): every
page route, status codes, 400/404/503 pages with a search box, and XSS
attempts in titles, abstracts, author names, links and URLs rendered inert.

usage: web_pages_test.py PAPERPULSE_BINARY   (run by ctest)
"""
import html
import html.parser
import os
import re
import sys
import unittest
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e"))
import pp_site  # noqa: E402

BIN = None
SITE = None

SEARCH_FORM = 'action="/search"'


def card_ids(body):
    """arXiv ids of the cards of a page, in order."""
    return re.findall(r'<h2 class="card-title math"><a href="/papers/([^"]+)">', body)


def card_votes(body):
    return [int(n) for n in re.findall(r'<span class="n">(\d+)</span>', body)]


def links(body, rel):
    return re.findall(r'rel="%s" href="([^"]+)"' % rel, body)


class Elements(html.parser.HTMLParser):
    """Every start tag of a document with its attributes, as a browser's
    tokenizer sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


class Base(unittest.TestCase):
    def page(self, path, status=200):
        got, headers, body = SITE.get(path)
        self.assertEqual(got, status, "%s: %d\n%s" % (path, got, body[:2000]))
        self.assertTrue(headers["Content-Type"].startswith("text/html"), headers["Content-Type"])
        self.assertIn("<!doctype html>", body)
        self.assertIn("</html>", body)
        return body, headers

    def assertInert(self, body, where):
        """What a browser would build from `body` carries nothing active that
        came from the data: no event-handler attributes, no scripts but our
        own, no javascript: links, no injected <img>."""
        for marker in pp_site.XSS_MARKERS:
            self.assertNotIn(marker, body, "%s: unescaped %r" % (where, marker))
        elements = Elements()
        elements.feed(body)
        for tag, attrs in elements.found:
            for name, value in attrs:
                self.assertFalse(name.startswith("on"), "%s: <%s %s=...>" % (where, tag, name))
                if name in ("href", "src", "action"):
                    self.assertFalse((value or "").strip().lower().startswith("javascript:"), where)
            if tag == "script":
                self.assertTrue(dict(attrs).get("src", "").startswith("/static/"), where)
            if tag == "img":
                self.assertTrue(dict(attrs).get("src", "").startswith("/static/"), where)


class ListPages(Base):
    def test_home_is_the_latest_day(self):
        body, headers = self.page("/")
        self.assertIn("Daily Papers", body)
        self.assertIn("Jun 30, 2026", body)
        ids = card_ids(body)
        self.assertGreater(len(ids), 10)
        self.assertEqual(ids, card_ids(self.page("/papers/date/" + pp_site.LATEST_DAY)[0]))
        self.assertIn("default-src 'none'", headers["Content-Security-Policy"])
        self.assertIn('name="viewport"', body)

    def test_sorted_by_upvotes(self):
        for path in ["/", "/papers/week/2026-W26", "/papers/month/2026-06"]:
            votes = card_votes(self.page(path)[0])
            self.assertGreater(len(votes), 5, path)
            self.assertEqual(votes, sorted(votes, reverse=True), path)

    def test_card_content(self):
        body = self.page("/")[0]
        card = body[body.index('href="/papers/%s"' % pp_site.GITHUB_ID) - 600:]
        card = card[:card.index("</li>")]
        self.assertIn("LiveEdit", card)
        self.assertIn("Xinyu Wang, Chongbo Zhao", card)
        self.assertIn('class="excerpt math"', card)
        self.assertIn('href="https://github.com/cp-cp/LiveEdit"', card)
        self.assertIn("★ 12", card)
        self.assertIn('title="2 comments"', card)
        self.assertIn("Project page", card)
        # Long author lists are cut after four names.
        self.assertRegex(body, r'<p class="authors">([^<,]+, ){3}[^<,]+ et al\.</p>')

    def test_day_week_month_with_prev_next(self):
        # The slice holds the second half of June 2026 only: June has no
        # neighbour months.
        for path, label, has_prev in [("/papers/date/2026-06-29", "Jun 29, 2026", True),
                                      ("/papers/week/2026-W26", "Week 26, 2026", True),
                                      ("/papers/month/2026-06", "June 2026", False)]:
            body = self.page(path)[0]
            self.assertIn(label, body)
            self.assertTrue(card_ids(body), path)
            prev = links(body, "prev")
            self.assertEqual(bool(prev), has_prev, path)
            for href in set(prev + links(body, "next")):
                self.assertEqual(SITE.get(href)[0], 200, href)
        # The latest day has no next; the day before links forward to it.
        self.assertEqual(links(self.page("/")[0], "next"), [])
        self.assertIn("/papers/date/2026-06-30", links(self.page("/papers/date/2026-06-29")[0], "next"))

    def test_period_tabs(self):
        body = self.page("/papers/date/2026-06-24")[0]
        self.assertIn('href="/papers/week/2026-W26"', body)
        self.assertIn('href="/papers/month/2026-06"', body)

    def test_invalid_periods_are_400(self):
        for path, quoted in [("/papers/date/2026-02-30", "2026-02-30"),
                             ("/papers/date/yesterday", "yesterday"),
                             ("/papers/week/2026-W60", "2026-W60"),
                             ("/papers/month/2026-13", "2026-13")]:
            body = self.page(path, 400)[0]
            self.assertIn(quoted, body, path)
            self.assertIn(SEARCH_FORM, body, path)

    def test_day_without_papers_is_404(self):
        body = self.page("/papers/date/2019-01-01", 404)[0]
        self.assertIn("No papers were listed", body)
        self.assertIn(SEARCH_FORM, body)

    def test_trending(self):
        body = self.page("/papers/trending")[0]
        self.assertIn("Trending papers", body)
        ids = card_ids(body)
        self.assertGreater(len(ids), 10)
        # Every card says why it is there: its votes, age and stars.
        why = re.findall(r'<p class="meta why">Why it\'s here: ([^<]*)</p>', body)
        self.assertEqual(len(why), len(ids))
        votes = card_votes(body)
        for n, text in zip(votes, why):
            self.assertRegex(text, r"^%s upvotes? · " % format(n, ","))
        self.assertTrue(any(re.search(r"· \d+ days? old|· listed today", t) for t in why), why[:3])


class PaperPages(Base):
    def test_math_paper(self):
        body = self.page("/papers/" + pp_site.MATH_ID)[0]
        self.assertIn("$\\Lambda_{\\alpha}$", body)  # TeX left for KaTeX, escaped
        self.assertIn('class="paper-title math"', body)
        self.assertIn('class="abstract math"', body)
        self.assertRegex(body, r'<script defer src="/static/katex/katex.min.js\?v=[0-9a-f]+">')
        self.assertIn("/static/katex/auto-render.min.js", body)
        self.assertIn('href="https://arxiv.org/abs/%s"' % pp_site.MATH_ID, body)
        self.assertIn('href="https://arxiv.org/pdf/%s"' % pp_site.MATH_ID, body)
        self.assertIn('href="https://arxiv.org/abs/%sv1"' % pp_site.MATH_ID, body)  # versions
        self.assertIn('href="/search?q=cat%3Amath.CA"', body)  # categories
        self.assertIn('<a href="/authors/Wael%20Abu-Shammala">Wael Abu-Shammala</a>', body)

    def test_authors_link_to_author_pages(self):
        body = self.page("/papers/" + pp_site.GITHUB_ID)[0]
        self.assertIn('<a href="/authors/Xinyu%20Wang">Xinyu Wang</a>', body)
        self.assertIn('href="https://github.com/cp-cp/LiveEdit"', body)
        self.assertIn('href="/papers/date/2026-06-30"', body)  # the days it was listed

    def test_bibtex(self):
        body = self.page("/papers/" + pp_site.MATH_ID)[0]
        self.assertIn('id="bibtex"', body)
        self.assertIn('data-copy-target="bibtex"', body)
        self.assertIn('href="/papers/%s/bibtex"' % pp_site.MATH_ID, body)
        status, headers, bib = SITE.get("/papers/%s/bibtex" % pp_site.MATH_ID)
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain"))
        self.assertTrue(bib.startswith("@misc{"), bib)
        self.assertIn("eprint = {%s}" % pp_site.MATH_ID, bib)
        self.assertIn("archivePrefix = {arXiv}", bib)
        self.assertEqual(bib.count("{"), bib.count("}"))
        self.assertIn(html.escape(bib, quote=True).split("\n")[1], body)
        self.assertEqual(SITE.get("/papers/2606.00000/bibtex")[0], 404)

    def test_old_style_id_and_version_suffix(self):
        body = self.page("/papers/astro-ph/0601001")[0]
        self.assertIn("astro-ph/0601001", body)
        self.assertEqual(SITE.get("/papers/astro-ph/0601001/bibtex")[0], 200)
        body = self.page("/papers/%sv1" % pp_site.MATH_ID)[0]
        self.assertIn('rel="canonical" href="%s/papers/%s"' % (SITE.base, pp_site.MATH_ID), body)

    def test_unknown_ids_are_404_with_search(self):
        for path in ["/papers/2606.00000", "/papers/not-an-id", "/papers/date", "/nothing/here"]:
            body = self.page(path, 404)[0]
            self.assertIn(SEARCH_FORM, body, path)
        self.assertIn('value="2606.00000"', self.page("/papers/2606.00000", 404)[0])

    def test_related_papers(self):
        body = self.page("/papers/" + pp_site.GITHUB_ID)[0]
        if SITE.search_enabled():
            self.assertIn("Related papers", body)
            related = body[body.index("Related papers"):]
            self.assertNotIn('href="/papers/%s"' % pp_site.GITHUB_ID, related[:related.index("</section>")])
        else:
            self.assertNotIn("Related papers", body)


class SearchPages(Base):
    def test_empty_query_shows_the_form(self):
        body = self.page("/search")[0]
        self.assertIn('name="q"', body)
        self.assertIn('name="sort"', body)
        self.assertIn("How to search", body)

    def test_results_paging_and_filters(self):
        if not SITE.search_enabled():
            body = self.page("/search?q=diffusion", 503)[0]
            self.assertIn("Search is unavailable", body)
            self.assertIn(SEARCH_FORM, body)
            return
        body = self.page("/search?q=diffusion")[0]
        first = card_ids(body)
        self.assertEqual(len(first), 20)
        self.assertIn('value="diffusion"', body)
        self.assertIn("<mark>", body)
        nxt = links(body, "next")
        self.assertEqual(len(nxt), 1)
        self.assertIn("page=2", nxt[0])
        body2 = self.page(html.unescape(nxt[0]))[0]
        self.assertTrue(set(card_ids(body2)).isdisjoint(first))
        self.assertTrue(links(body2, "prev"))
        by_date = self.page("/search?q=diffusion&sort=date")[0]
        self.assertIn('<option value="date" selected>', by_date)
        math = self.page("/search?q=modular&cat=math")[0]
        self.assertIn(pp_site.MATH_ID.split(".")[0], "".join(card_ids(math)))
        self.assertEqual(card_ids(self.page("/search?q=" + pp_site.MATH_ID)[0])[0], pp_site.MATH_ID)

    def test_bad_search_requests_are_400(self):
        if not SITE.search_enabled():
            return
        for query in ["q=%22unbalanced", "q=x&sort=sideways", "q=x&page=0", "q=x&page=abc",
                      "q=x&from=2026-13-01", "q=title%3A"]:
            body = self.page("/search?" + query, 400)[0]
            self.assertIn('class="notice error"', body, query)
            self.assertIn('name="q"', body, query)

    def test_author_page(self):
        if not SITE.search_enabled():
            self.page("/authors/Xinyu%20Wang", 503)
            return
        body = self.page("/authors/Xinyu%20Wang")[0]
        self.assertIn("<h1>Xinyu Wang</h1>", body)
        self.assertIn(pp_site.GITHUB_ID, card_ids(body))
        body = self.page("/authors/Nobody%20Atallknown", 404)[0]
        self.assertIn(SEARCH_FORM, body)

    def test_search_box_on_every_page(self):
        for path in ["/", "/papers/trending", "/papers/week/2026-W26", "/papers/" + pp_site.MATH_ID,
                     "/papers/date/2026-02-30", "/nope"]:
            body = SITE.get(path)[2]
            self.assertIn(SEARCH_FORM, body, path)


class Xss(Base):
    def test_paper_page(self):
        body = self.page("/papers/" + pp_site.XSS_ID)[0]
        self.assertInert(body, "paper page")
        self.assertIn("&lt;script&gt;alert(&quot;xss-title&quot;)&lt;/script&gt;", body)
        self.assertIn("&quot;&gt;&lt;img src=x onerror=", body)
        self.assertNotIn("javascript:", body)
        self.assertNotIn("example.org", body)  # not a valid URL: not linked
        self.assertIn('href="/authors/Eve%20%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%283%29%3E"', body)
        status, headers, _ = SITE.get("/papers/%s/bibtex" % pp_site.XSS_ID)
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain"))  # never rendered as HTML

    def test_lists(self):
        body = self.page("/papers/date/" + pp_site.XSS_DAY)[0]
        self.assertIn(pp_site.XSS_ID, card_ids(body))
        self.assertInert(body, "day page")
        self.assertIn("&lt;b&gt;mallory&lt;/b&gt;", body)
        for path in ["/papers/week/2026-W27", "/papers/month/2026-06", "/papers/trending"]:
            self.assertInert(self.page(path)[0], path)

    def test_search_and_author(self):
        if SITE.search_enabled():
            body = self.page("/search?q=robust+inert")[0]
            self.assertIn(pp_site.XSS_ID, card_ids(body))
            self.assertInert(body, "search")
            body = self.page("/authors/" + urllib.parse.quote(pp_site.XSS_AUTHOR2))[0]
            self.assertInert(body, "author page")

    def test_reflected_input(self):
        probe = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
        q = urllib.parse.quote(probe)
        # The probe holds a "/", so /papers/date/<probe> is no day route: 404.
        for path, status in [("/search?q=" + q, (200, 400, 503)), ("/papers/" + q, (404,)),
                             ("/papers/date/" + q, (400, 404)), ("/papers/week/x" + q, (400, 404)),
                             ("/authors/" + q, (404, 503)), ("/" + q, (404,))]:
            got, _, body = SITE.get(path)
            self.assertIn(got, status, path)
            self.assertNotIn("<script>alert(1)", body, path)
            self.assertNotIn("<img src=x", body, path)


class Assets(unittest.TestCase):
    def test_static_files(self):
        for path, ctype in [("/static/app.css", "text/css"), ("/static/app.js", "application/javascript"),
                            ("/static/katex/katex.min.css", "text/css"),
                            ("/static/katex/fonts/KaTeX_Main-Regular.woff2", "font/woff2"),
                            ("/favicon.ico", "image/svg+xml")]:
            status, headers, _ = SITE.get(path, raw=True)
            self.assertEqual(status, 200, path)
            self.assertTrue(headers["Content-Type"].startswith(ctype), (path, headers["Content-Type"]))
        css = SITE.get("/static/app.css")[2]
        self.assertIn("prefers-color-scheme: dark", css)
        self.assertIn("@media (max-width: 640px)", css)
        self.assertNotRegex(css, r"@import|https?://(?!www\.w3\.org/2000/svg)")  # no external fonts/CDNs

    def test_no_external_resources(self):
        body = SITE.get("/papers/" + pp_site.MATH_ID)[2]
        for m in re.finditer(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', body):
            url = m.group(1)
            self.assertTrue(url.startswith("/") or url.startswith(SITE.base), url)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    with pp_site.Site(BIN) as SITE:
        result = unittest.main(exit=False, verbosity=2).result
        errors = [line for line in SITE.log if " error " in line or "[error]" in line]
    if errors:
        print("server logged errors:\n" + "".join(errors), file=sys.stderr)
    sys.exit(0 if result.wasSuccessful() and not errors else 1)
