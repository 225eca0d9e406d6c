#!/usr/bin/env python3
"""End-to-end tests of personal libraries over real HTTP against
`paperpulse serve` with a real SMTP server on loopback (readers sign in
through the mailed link): saving, tagging, untagging and removing papers
over the JSON API and through the forms that work without JavaScript;
filters by tag and words; one's own library only (404 for others, 401 for
anonymous readers); the BibTeX export read by a real BibTeX parser
(python3-bibtexparser) and the CSL-JSON export; Zotero- and JabRef-style
BibTeX and RIS files imported, with unknown and broken entries reported by
line; an export imported into a second account; a file uploaded through the
page's form (multipart/form-data); and 20 readers saving and tagging at once.
On SQLite, and on PostgreSQL when PAPERPULSE_TEST_PG is set.

usage: library_test.py PAPERPULSE_BINARY
"""
import json
import os
import re
import sys
import threading
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import pp_community  # noqa: E402
from pp_client import run_concurrently, with_retry  # noqa: E402
from pp_community import HF_DAILY, HF_DAYS, SiteTestCase, kaggle_ids, needs_postgres  # noqa: E402
from pp_community import bibtex_entries as parse_bib  # noqa: E402

BIN = None
BED = None
# Every test reader signs in from 127.0.0.1.
SITE_FLAGS = ("--login-limit-per-ip", "0")

# Papers of the imported slice: Kaggle records (some with journal DOIs) and
# the HF daily lists of HF_DAYS.
KAGGLE_DOIS = {"0704.0001": "10.1103/PhysRevD.76.013009",
               "0704.0006": "10.1103/PhysRevA.75.043613"}
# Valid arXiv ids the slice does not hold.
UNKNOWN_ID = "1801.00001"


# ---------------------------------------------------------------- helpers

def reader(site, local=None):
    """A newly signed-in reader of `site` (a pp_community.Site): a browser
    session with its CSRF token."""
    return site.sign_in(site.address(local or uuid.uuid4().hex[:10]))


def hf_ids(day, n):
    with open(os.path.join(HF_DAILY, day + ".json"), encoding="utf-8") as f:
        return [item["paper"]["id"] for item in json.load(f)[:n]]


def library_ids(client, query=""):
    status, _, doc = client.json("GET", "/api/library" + query)
    assert status == 200, (status, doc)
    return [item["id"] for item in doc]


def line_of(text, needle):
    """The 1-based line of `text` where `needle` first occurs."""
    return text[:text.index(needle)].count("\n") + 1


def hidden_inputs(form_html):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form_html))


def unescape(s):
    return (s.replace("&#x2F;", "/").replace("&#x3D;", "=").replace("&#39;", "'")
            .replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
            .replace("&amp;", "&"))


def zotero_bibtex(hf, kaggle):
    """A library as Zotero 7 exports arXiv items (Better BibTeX off): @misc
    with url, the arXiv DOI and an "arXiv:ID [cs]" note; JabRef's eprint +
    archivePrefix; a journal article known only by its DOI; an unknown
    preprint; and an entry cut off at the end of the file."""
    return """
@misc{nguyen_first_2026,
	title = {A {First} {Paper} on \\$\\alpha\\$-things},
	url = {http://arxiv.org/abs/%(hf0)s},
	doi = {10.48550/arXiv.%(hf0)s},
	abstract = {We study things.},
	urldate = {2026-07-01},
	publisher = {arXiv},
	author = {Nguyen, An and Müller, Jörg},
	month = jun,
	year = {2026},
	note = {arXiv:%(hf0)sv1 [cs]},
	keywords = {Computer Science - Machine Learning},
	file = {arXiv Fulltext PDF:/home/reader/Zotero/storage/ABCD1234/Nguyen - 2026.pdf:application/pdf},
}

@misc{smith_second_2026,
	title = {Second paper},
	url = {http://arxiv.org/abs/%(hf1)s},
	publisher = {arXiv},
	author = {Smith, Jane},
	year = {2026},
	note = {arXiv:%(hf1)s [cs.CL]},
}

@Article{Balazs2007,
  author        = {C. Bal\\'azs and E. L. Berger and P. M. Nadolsky and C.-P. Yuan},
  title         = {Calculation of prompt diphoton production cross sections at Tevatron and LHC energies},
  journal       = {Phys. Rev. D},
  year          = {2007},
  volume        = {76},
  pages         = {013009},
  doi           = {%(doi)s},
}

@Misc{Jabref2007,
  author        = {Someone Else},
  title         = {A JabRef entry},
  year          = {2007},
  eprint        = {%(k1)s},
  archivePrefix = {arXiv},
  primaryClass  = {math.CO},
}

@misc{unknown_2018,
	title = {Not on this site},
	url = {http://arxiv.org/abs/%(unknown)s},
	note = {arXiv:%(unknown)s [hep-th]},
}

@misc{broken_entry,
	title = {Cut off in the middle,
	eprint = {%(k2)s
""" % {"hf0": hf[0], "hf1": hf[1], "doi": KAGGLE_DOIS["0704.0001"], "k1": kaggle[1],
       "k2": kaggle[2], "unknown": UNKNOWN_ID}


def zotero_ris(hf, kaggle):
    """RIS as Zotero exports it: preprints (TY GEN / UR / DO / N1), a
    journal article known by its DOI, an unknown DOI and an entry without
    identifiers."""
    rows = [
        ("TY", "GEN"), ("TI", "A preprint from RIS"), ("AU", "Doe, Jane"), ("DA", "2026/06/30/"),
        ("PY", "2026"), ("DO", "10.48550/arXiv.%s" % hf[2]), ("DP", "arXiv.org"),
        ("PB", "arXiv"), ("UR", "http://arxiv.org/abs/%s" % hf[2]),
        ("N1", "arXiv:%s [cs]" % hf[2]), ("KW", "Computer Science - Computation and Language"),
        ("ER", ""),
        ("TY", "JOUR"), ("TI", "Bosonic characters of atomic Cooper pairs"),
        ("AU", "Dukelsky, J."), ("T2", "Physical Review A"), ("PY", "2007"),
        ("DO", KAGGLE_DOIS["0704.0006"]), ("ER", ""),
        ("TY", "JOUR"), ("TI", "Elsewhere <b>entirely</b>"), ("AU", "Nobody, A."),
        ("DO", "10.1000/not-on-this-site"), ("ER", ""),
        ("TY", "BOOK"), ("TI", "A book without identifiers"), ("PY", "1999"), ("ER", ""),
    ]
    return "".join("%s  - %s\r\n" % (tag, value) for tag, value in rows)


def multipart(fields, files, boundary="----WebKitFormBoundaryLibTest7MA4YWxk"):
    """(body, content type) of a form as a browser sends it."""
    out = b""
    for name, value in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (boundary, name, value)).encode()
    for name, (filename, ctype, data) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: %s\r\n\r\n" % (boundary, name, filename, ctype)).encode()
        out += data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "multipart/form-data; boundary=" + boundary


# ------------------------------------------------------------ module setup

def setUpModule():
    global BED
    BED = pp_community.TestBed(BIN, "pp_library_")


def tearDownModule():
    BED.close()


# ------------------------------------------------------------------ tests

class LibraryChecks:
    """Run against self.site (a pp_community.Site) on the `backend` of the
    class ("sqlite" or "pg")."""

    @classmethod
    def new_site(cls):
        return BED.site(cls.backend, *SITE_FLAGS, pg=cls.backend == "pg")

    def test_save_tag_untag_and_delete_over_the_api(self):
        ada = reader(self.site)
        pid = kaggle_ids(1)[0]
        status, headers, item = ada.json("POST", "/api/library",
                                         {"id": "arXiv:%sv2" % pid, "tags": ["to-read", "physics"],
                                          "note": "Check eq. (3) <b>first</b>"})
        self.assertEqual(status, 201, item)
        self.assertEqual(headers["location"], "/api/library/" + pid)
        self.assertIn("no-store", headers["cache-control"])
        # The paper exactly as /api/papers/{id} shows it, and the entry.
        status, _, paper = self.site.client().json("GET", "/api/papers/" + pid)
        self.assertEqual(status, 200)
        for key, value in paper.items():
            self.assertEqual(item[key], value, key)
        self.assertEqual(item["tags"], ["to-read", "physics"])
        self.assertEqual(item["note"], "Check eq. (3) <b>first</b>")
        self.assertRegex(item["savedAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(item["updatedAt"], item["savedAt"])

        # Untag (the upsert replaces what it is given, keeps the rest).
        status, headers, item = ada.json("POST", "/api/library",
                                         {"id": "https://arxiv.org/abs/" + pid,
                                          "tags": ["physics"]})
        self.assertEqual(status, 200, item)
        self.assertNotIn("location", headers)
        self.assertEqual((item["tags"], item["note"]), (["physics"], "Check eq. (3) <b>first</b>"))
        status, _, item = ada.json("PATCH", "/api/library/" + pid, {"tags": [], "note": ""})
        self.assertEqual((status, item["tags"], item["note"]), (200, [], ""))
        status, _, got = ada.json("GET", "/api/library/" + pid)
        self.assertEqual((status, got["id"]), (200, pid))

        # Filters: by tag (exact), by words anywhere (all of them).
        hf = hf_ids(HF_DAYS[-1], 2)
        # Saved in three different seconds: "newest first" is by time.
        time.sleep(1.05)
        self.assertEqual(ada.json("POST", "/api/library",
                                  {"id": hf[0], "tags": ["LLM", "reading group"]})[0], 201)
        time.sleep(1.05)
        self.assertEqual(ada.json("POST", "/api/library",
                                  {"id": hf[1], "tags": ["reading group"],
                                   "note": "Friday session"})[0], 201)
        self.assertEqual(library_ids(ada), [hf[1], hf[0], pid])  # newest first
        self.assertEqual(library_ids(ada, "?tag=reading%20group"), [hf[1], hf[0]])
        self.assertEqual(library_ids(ada, "?tag=LLM"), [hf[0]])
        self.assertEqual(library_ids(ada, "?tag=llm"), [])
        self.assertEqual(library_ids(ada, "?q=FRIDAY"), [hf[1]])
        self.assertEqual(library_ids(ada, "?q=reading%20friday&tag=reading%20group"), [hf[1]])
        self.assertEqual(library_ids(ada, "?q=" + pid), [pid])
        status, _, tags = ada.json("GET", "/api/library/tags")
        self.assertEqual(tags, [{"tag": "LLM", "count": 1}, {"tag": "reading group", "count": 2}])

        # Delete.
        status, _, doc = ada.json("DELETE", "/api/library/" + hf[0])
        self.assertEqual((status, doc["status"]), (200, "removed"), doc)
        self.assertEqual(ada.json("DELETE", "/api/library/" + hf[0])[0], 404)
        self.assertEqual(ada.json("GET", "/api/library/" + hf[0])[0], 404)
        self.assertEqual(library_ids(ada), [hf[1], pid])
        self.assertEqual(ada.json("GET", "/api/library/tags")[2],
                         [{"tag": "reading group", "count": 1}])

    def test_bad_requests_name_the_field(self):
        ada = reader(self.site)
        pid = kaggle_ids(2)[1]
        for body, field in [({"id": pid, "tags": ["t%d" % i for i in range(21)]}, "tags"),
                            ({"id": pid, "tags": ["x" * 41]}, "tags"),
                            ({"id": pid, "tags": ["  "]}, "tags"),
                            ({"id": pid, "tags": ["bell\u0007"]}, "tags"),
                            ({"id": pid, "tags": ["a,b"]}, "tags"),
                            ({"id": pid, "tags": "a, b"}, "tags"),
                            ({"id": pid, "note": "n" * 5001}, "note"),
                            ({"id": pid, "note": "nul\u0000"}, "note"),
                            ({"tags": []}, "id"),
                            ({"id": "no such id"}, "id")]:
            status, _, doc = ada.json("POST", "/api/library", body)
            self.assertEqual(status, 400, (body, doc))
            self.assertIn(field, doc["error"].split(":")[0], (body, doc))
        # At the limits: accepted; duplicates (in any case) dropped.
        status, _, doc = ada.json("POST", "/api/library",
                                  {"id": pid, "tags": ["t%d" % i for i in range(20)] + ["T0"],
                                   "note": "n" * 5000})
        self.assertEqual(status, 201, doc)
        self.assertEqual(len(doc["tags"]), 20)
        self.assertEqual(ada.json("POST", "/api/library", {"id": UNKNOWN_ID})[0], 404)
        self.assertEqual(ada.request("POST", "/api/library", raw="id=x",
                                     content_type="text/plain")[0], 415)

    def test_the_forms_work_without_javascript(self):
        ada = reader(self.site)
        day = HF_DAYS[-1]
        pid = hf_ids(day, 3)[2]
        status, _, page = ada.request("GET", "/papers/date/" + day)
        self.assertEqual(status, 200)
        page = page.decode()
        m = re.search(r'<form class="save-toggle" method="post" action="/papers/%s/save"'
                      r'[^>]*>(.*?)</form>' % re.escape(pid), page, re.S)
        self.assertTrue(m, "no save form for %s on the day's page" % pid)
        fields = {k: unescape(v) for k, v in hidden_inputs(m.group(1)).items()}
        self.assertEqual(fields["action"], "save")
        self.assertEqual(fields["csrf_token"], ada.csrf)
        self.assertEqual(fields["next"], "/papers/date/%s#paper-%s" % (day, pid))
        # As a browser posts it: the token in the form, not in a header.
        status, headers, _ = ada.request("POST", "/papers/%s/save" % pid, form=fields, csrf=False)
        self.assertEqual((status, headers["location"]), (303, fields["next"]))
        self.assertEqual(library_ids(ada), [pid])
        status, _, page = ada.request("GET", "/papers/date/" + day)
        m = re.search(r'action="/papers/%s/save"[^>]*>(.*?)</form>' % re.escape(pid),
                      page.decode(), re.S)
        self.assertIn('aria-pressed="true"', m.group(1))
        self.assertEqual(hidden_inputs(m.group(1))["action"], "remove")

        # The library page's edit form: tags as text, a note.
        status, _, html = ada.request("GET", "/library")
        self.assertEqual(status, 200)
        self.assertIn('id="paper-%s"' % pid, html.decode())
        status, headers, _ = ada.request("POST", "/papers/%s/save" % pid, csrf=False, form={
            "csrf_token": ada.csrf, "action": "save", "tags": " to-read, Diffusion ,, ",
            "note": "line one\r\nline <two>", "next": "/library"})
        self.assertEqual((status, headers["location"]), (303, "/library"))
        item = ada.json("GET", "/api/library/" + pid)[2]
        self.assertEqual((item["tags"], item["note"]), (["to-read", "Diffusion"],
                                                       "line one\nline <two>"))
        html = ada.request("GET", "/library?tag=Diffusion")[2].decode()
        self.assertIn("line &lt;two&gt;", html)
        self.assertNotIn("line <two>", html)
        self.assertIn('href="/library.bib?tag=Diffusion"', html)
        # A bad tag is a 400 page that says why; nothing changes.
        status, _, html = ada.request("POST", "/papers/%s/save" % pid, csrf=False, form={
            "csrf_token": ada.csrf, "action": "save", "tags": "x" * 41, "next": "/library"})
        self.assertEqual(status, 400)
        self.assertIn("longer than 40 characters", html.decode())
        self.assertEqual(ada.json("GET", "/api/library/" + pid)[2]["tags"],
                         ["to-read", "Diffusion"])
        # Remove; a second remove (another tab) is no error.
        for _ in range(2):
            status, headers, _ = ada.request("POST", "/papers/%s/save" % pid, csrf=False, form={
                "csrf_token": ada.csrf, "action": "remove", "next": "/library"})
            self.assertEqual((status, headers["location"]), (303, "/library"))
        self.assertEqual(library_ids(ada), [])
        # Without the token nothing happens; anonymous readers go to sign in.
        status, _, _ = ada.request("POST", "/papers/%s/save" % pid, csrf=False,
                                   form={"action": "save", "next": "/library"})
        self.assertEqual(status, 403)
        status, headers, _ = self.site.client().request(
            "POST", "/papers/%s/save" % pid, form={"action": "save", "next": "/papers/" + pid})
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/login?next=%2Fpapers%2F" + pid.replace("/", "%2F"))
        self.assertEqual(library_ids(ada), [])

    def test_libraries_are_private(self):
        ada, bob = reader(self.site), reader(self.site)
        pid = kaggle_ids(3)[2]
        self.assertEqual(ada.json("POST", "/api/library",
                                  {"id": pid, "tags": ["secret"], "note": "mine"})[0], 201)
        self.assertEqual(library_ids(bob), [])
        self.assertEqual(bob.json("GET", "/api/library/tags")[2], [])
        for method, body in (("GET", None), ("DELETE", None), ("PATCH", {"note": "x"})):
            self.assertEqual(bob.json(method, "/api/library/" + pid, body)[0], 404, method)
        self.assertNotIn(pid, bob.request("GET", "/library.bib")[2].decode())
        self.assertNotIn("secret", bob.request("GET", "/library")[2].decode())
        self.assertEqual(library_ids(ada), [pid])  # Bob's DELETE did nothing
        anon = self.site.client()
        for method, path, body in (("GET", "/api/library", None),
                                   ("GET", "/api/library/tags", None),
                                   ("GET", "/api/library/" + pid, None),
                                   ("POST", "/api/library", {"id": pid}),
                                   ("DELETE", "/api/library/" + pid, None)):
            self.assertEqual(anon.json(method, path, body)[0], 401, (method, path))
        for path in ("/library.bib", "/library.json"):
            status, headers, _ = anon.request("GET", path)
            self.assertEqual(status, 401, path)
            self.assertIn("no-store", headers["cache-control"])
        status, headers, _ = anon.request("GET", "/library?tag=secret",
                                          headers={"Accept": "text/html"})
        self.assertEqual((status, headers["location"]),
                         (303, "/login?next=%2Flibrary%3Ftag%3Dsecret"))
        # A cookie session cannot write without its CSRF token.
        self.assertEqual(bob.json("POST", "/api/library", {"id": pid}, csrf=False)[0], 403)

    def test_bibtex_and_csl_json_exports(self):
        ada = reader(self.site)
        hf = hf_ids(HF_DAYS[0], 3)
        kaggle = kaggle_ids(5)[3:5]
        saved = hf + kaggle
        for i, pid in enumerate(saved):
            tags = ["export"] + (["odd"] if i % 2 else [])
            self.assertEqual(ada.json("POST", "/api/library", {"id": pid, "tags": tags})[0], 201)
        status, headers, raw = ada.request("GET", "/library.bib")
        self.assertEqual(status, 200)
        self.assertRegex(headers["content-type"], r"^(application|text)/x-bibtex; charset=utf-8$")
        self.assertEqual(headers["content-disposition"],
                         'attachment; filename="paperpulse-library.bib"')
        self.assertIn("no-store", headers["cache-control"])
        entries = parse_bib(raw.decode("utf-8"))
        self.assertEqual(sorted(e["eprint"] for e in entries), sorted(saved))
        self.assertEqual(len({e["ID"] for e in entries}), len(saved))  # keys are unique
        for e in entries:
            self.assertEqual(e["archiveprefix"], "arXiv")
            self.assertEqual(e["url"], "https://arxiv.org/abs/" + e["eprint"])
            self.assertIn("export", e["keywords"])
        # Each entry is the paper page's BibTeX (plus the tags).
        page_bib = self.site.client().request("GET", "/papers/%s/bibtex" % hf[0])[2].decode()
        mine = [e for e in entries if e["eprint"] == hf[0]][0]
        self.assertEqual(parse_bib(page_bib)[0]["ID"], mine["ID"])
        # The same keys next time.
        again = parse_bib(ada.request("GET", "/library.bib")[2].decode())
        self.assertEqual([e["ID"] for e in again], [e["ID"] for e in entries])
        odd = parse_bib(ada.request("GET", "/library.bib?tag=odd")[2].decode())
        self.assertEqual(sorted(e["eprint"] for e in odd), sorted([saved[1], saved[3]]))

        status, headers, raw = ada.request("GET", "/library.json")
        self.assertEqual(status, 200)
        self.assertTrue(
            headers["content-type"].startswith("application/vnd.citationstyles.csl+json"))
        self.assertIn("no-store", headers["cache-control"])
        csl = json.loads(raw)
        self.assertIsInstance(csl, list)
        self.assertEqual(sorted(item["id"] for item in csl), sorted(saved))
        for item in csl:
            self.assertTrue(item["type"] and item["title"], item)
            self.assertIsInstance(item["author"], list)
        # A script with an API token exports too.
        script = self.site.client(token=self.site.token(ada_address(ada)))
        self.assertEqual(script.request("GET", "/library.bib")[2], raw_bib(ada))

    def test_zotero_and_jabref_files_import(self):
        ada = reader(self.site)
        hf = hf_ids(HF_DAYS[0], 3)
        kaggle = kaggle_ids(3)
        # One of them is saved already, with a tag it keeps.
        self.assertEqual(ada.json("POST", "/api/library", {"id": kaggle[1], "tags": ["mine"]})[0],
                         201)
        bib = zotero_bibtex(hf, kaggle)
        status, _, report = ada.json("POST", "/api/library/import?tag=zotero", raw=bib.encode(),
                                     content_type="application/x-bibtex")
        self.assertEqual(status, 200, report)
        self.assertEqual(report["format"], "bibtex")
        self.assertEqual(report["imported"], [hf[0], hf[1], kaggle[0]])
        self.assertEqual(report["alreadySaved"], [kaggle[1]])
        unmatched = {u["key"]: u for u in report["unmatched"]}
        self.assertEqual(unmatched["unknown_2018"]["line"], line_of(bib, "@misc{unknown_2018"))
        self.assertIn(UNKNOWN_ID, unmatched["unknown_2018"]["reason"])
        self.assertEqual(unmatched["unknown_2018"]["title"], "Not on this site")
        # The cut-off entry is reported (with its line), not dropped.
        broken_line = line_of(bib, "@misc{broken_entry")
        reported = [u["line"] for u in report["unmatched"]] + [
            int(n) for e in report["errors"] for n in re.findall(r"line (\d+)", e)]
        self.assertIn(broken_line, reported, report)
        self.assertTrue(report["errors"], report)
        self.assertEqual(sorted(library_ids(ada, "?tag=zotero")),
                         sorted([hf[0], hf[1], kaggle[0], kaggle[1]]))
        self.assertEqual(ada.json("GET", "/api/library/" + kaggle[1])[2]["tags"],
                         ["mine", "zotero"])

        ris = zotero_ris(hf, kaggle)
        status, _, report = ada.json("POST", "/api/library/import", raw=ris.encode(),
                                     content_type="application/x-research-info-systems")
        self.assertEqual(status, 200, report)
        self.assertEqual(report["format"], "ris")
        self.assertEqual(report["imported"], [hf[2], "0704.0006"])
        self.assertEqual(report["alreadySaved"], [])
        lines = sorted(u["line"] for u in report["unmatched"])
        self.assertEqual(lines, [line_of(ris, "TY  - JOUR\r\nTI  - Elsewhere"),
                                 line_of(ris, "TY  - BOOK")])
        reasons = " ".join(u["reason"] for u in report["unmatched"])
        self.assertIn("10.1000/not-on-this-site", reasons)
        # Importing the same file again changes nothing.
        status, _, again = ada.json("POST", "/api/library/import", raw=ris.encode(),
                                    content_type="application/x-research-info-systems")
        self.assertEqual((again["imported"], again["alreadySaved"]), ([], [hf[2], "0704.0006"]))
        # Files that are not citation files, and the wrong media type.
        status, _, doc = ada.json("POST", "/api/library/import", raw=b"just some words",
                                  content_type="text/plain")
        self.assertEqual(status, 400, doc)
        self.assertTrue(doc["error"].startswith("file"), doc)
        self.assertEqual(ada.json("POST", "/api/library/import", raw=bib.encode(),
                                  content_type="image/png")[0], 415)
        self.assertEqual(self.site.client().json("POST", "/api/library/import", raw=bib.encode(),
                                                    content_type="text/plain")[0], 401)

    def test_an_export_imports_into_another_account(self):
        ada, carol = reader(self.site), reader(self.site)
        saved = hf_ids(HF_DAYS[-1], 4) + kaggle_ids(7)[5:7]
        for pid in saved:
            self.assertEqual(ada.json("POST", "/api/library", {"id": pid})[0], 201)
        bib = ada.request("GET", "/library.bib")[2]
        status, _, report = carol.json("POST", "/api/library/import", raw=bib,
                                       content_type="application/x-bibtex")
        self.assertEqual(status, 200, report)
        self.assertEqual(sorted(report["imported"]), sorted(saved))
        self.assertEqual((report["alreadySaved"], report["unmatched"], report["errors"]),
                         ([], [], []))
        self.assertEqual(sorted(library_ids(carol)), sorted(saved))

    def test_the_page_form_uploads_a_file(self):
        ada = reader(self.site)
        status, _, html = ada.request("GET", "/library")
        self.assertEqual(status, 200)
        html = html.decode()
        m = re.search(r'<form class="library-import-form" action="/library/import" method="post" '
                      r'enctype="multipart/form-data">(.*?)</form>', html, re.S)
        self.assertTrue(m, "no import form on /library")
        csrf = hidden_inputs(m.group(1))["csrf_token"]
        hf = hf_ids(HF_DAYS[0], 3)
        ris = zotero_ris(hf, kaggle_ids(1))
        body, ctype = multipart({"csrf_token": csrf, "text": "", "tag": "uploaded"},
                                {"file": ("My Library.ris", "application/x-research-info-systems",
                                          ris.encode())})
        status, headers, html = ada.request("POST", "/library/import", raw=body,
                                            content_type=ctype, csrf=False)
        self.assertEqual(status, 200, html[:2000])
        self.assertIn("no-store", headers["cache-control"])
        html = html.decode()
        self.assertIn("My Library.ris (RIS)", html)
        self.assertIn("2 papers imported, 0 already in your library, 2 not found on this site",
                      html)
        self.assertIn("Line %d" % line_of(ris, "TY  - BOOK"), html)
        self.assertIn("Elsewhere &lt;b&gt;entirely&lt;/b&gt;", html)
        self.assertNotIn("<b>entirely", html)
        self.assertEqual(sorted(library_ids(ada, "?tag=uploaded")), sorted([hf[2], "0704.0006"]))
        # Pasted text through the same form; a cut-off upload is a 400.
        text = "@misc{k, eprint = {%s}, archivePrefix = {arXiv}}\n" % hf[0]
        body, ctype = multipart({"csrf_token": csrf, "text": text, "tag": ""},
                                {"file": ("", "application/octet-stream", b"")})
        status, _, html = ada.request("POST", "/library/import", raw=body, content_type=ctype,
                                      csrf=False)
        self.assertEqual(status, 200)
        self.assertIn("1 paper imported", html.decode())
        status, _, html = ada.request("POST", "/library/import", raw=body[:-30],
                                      content_type=ctype, csrf=False)
        self.assertEqual(status, 400)
        self.assertIn("closing boundary", html.decode())
        # Without the form's token nothing is imported.
        body, ctype = multipart({"text": text}, {})
        self.assertEqual(ada.request("POST", "/library/import", raw=body, content_type=ctype,
                                     csrf=False)[0], 403)

    def test_twenty_readers_save_and_tag_at_once(self):
        check_concurrent_saves(self, self.site)


def ada_address(client):
    status, _, me = client.json("GET", "/api/me")
    assert status == 200, me
    return me["email"]


def raw_bib(client):
    return client.request("GET", "/library.bib")[2]


def check_concurrent_saves(test, site):
    """20 signed-in readers save the same 5 papers at once (each also saves
    two of them twice concurrently), retag one and remove one: every entry
    is there once, each first save answered 201 exactly once, counts exact."""
    readers = [reader(site, "crowd%02d-%s" % (i, uuid.uuid4().hex[:6])) for i in range(20)]
    papers = kaggle_ids(12)[7:12]
    created = {}
    errors = []
    lock = threading.Lock()

    def save(i, reader, pid):
        status, _, doc = with_retry(lambda: reader.json(
            "POST", "/api/library", {"id": pid, "tags": ["all", "group%d" % (i % 4)]}))
        with lock:
            if status == 201:
                created[(i, pid)] = created.get((i, pid), 0) + 1
            elif status != 200:
                errors.append((i, pid, status, doc))

    run_concurrently((save, i, r, pid) for i, r in enumerate(readers)
                     for pid in papers + papers[:2])
    test.assertEqual(errors, [])
    test.assertEqual(created, {(i, pid): 1 for i in range(20) for pid in papers})

    def change(reader):
        status, _, doc = with_retry(lambda: reader.json(
            "PATCH", "/api/library/" + papers[2], {"tags": ["all", "retagged"]}))
        with lock:
            if status != 200:
                errors.append(("patch", status, doc))
        status, _, doc = with_retry(lambda: reader.json("DELETE", "/api/library/" + papers[4]))
        with lock:
            if status != 200:
                errors.append(("delete", status, doc))

    run_concurrently((change, r) for r in readers)
    test.assertEqual(errors, [])
    for i, r in enumerate(readers):
        test.assertEqual(sorted(library_ids(r)), sorted(papers[:4]), i)
        tags = {t["tag"]: t["count"] for t in r.json("GET", "/api/library/tags")[2]}
        test.assertEqual(tags, {"all": 4, "group%d" % (i % 4): 3, "retagged": 1}, i)
        test.assertEqual(library_ids(r, "?tag=retagged"), [papers[2]])


class SqliteLibraryTest(LibraryChecks, SiteTestCase):
    backend = "sqlite"


@needs_postgres
class PostgresLibraryTest(LibraryChecks, SiteTestCase):
    """The same checks with `serve --db postgresql://...`."""
    backend = "pg"


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
