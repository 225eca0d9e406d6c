#!/usr/bin/env python3
"""The OpenAPI document (src/paperpulse/http/openapi.json): valid OpenAPI
3.1 by tests/tools/openapi_check.py, which rejects broken documents; the
answer checker tests/tools/pp_openapi.py rejects wrong answers; and GET
/openapi.json of a real `paperpulse serve` is the checked-in document, with
sane servers and info. The server holds one real Hugging Face day (with
organisations), and a sweep over its API answers is validated against the
document by pp_http.

usage: openapi_test.py PAPERPULSE_BINARY   (run by ctest)
"""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import openapi_check  # noqa: E402
import pp_http  # noqa: E402
import pp_openapi  # noqa: E402
import pp_server  # noqa: E402

BIN = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = os.path.join(ROOT, "src", "paperpulse", "http", "openapi.json")
HF_DAILY = os.path.join(ROOT, "..", "shared", "data", "hf-daily-papers-json", "daily")
DAY = "2026-06-30"
STATE = {}


def source_document():
    with open(SOURCE, encoding="utf-8") as f:
        return json.load(f)


def request(path, method="GET", headers=None):
    return pp_http.request(STATE["port"], path, method, headers)


class Validator(unittest.TestCase):
    """openapi_check finds what is wrong, and nothing in the real document."""

    def assert_rejected(self, doc, expected):
        problems = openapi_check.check(doc)
        self.assertTrue(any(expected in p for p in problems),
                        "expected a problem with %r, got %r" % (expected, problems))

    def test_the_document_is_valid(self):
        self.assertEqual(openapi_check.check(source_document()), [])

    def test_openapi_spec_validator_agrees_where_installed(self):
        # A second, independent validator when the python3 running the tests
        # has one (openapi-spec-validator is not packaged by Debian bookworm;
        # the build machines' Python carries it).
        try:
            from openapi_spec_validator import validate
        except ImportError:
            self.skipTest("openapi-spec-validator is not installed")
        validate(source_document())

    def test_missing_info_version_is_rejected(self):
        doc = source_document()
        del doc["info"]["version"]
        self.assert_rejected(doc, "lacks required field 'version'")

    def test_a_template_without_its_path_parameter_is_rejected(self):
        doc = source_document()
        doc["paths"]["/api/daily_papers/{day}"] = doc["paths"]["/api/daily_papers"]
        self.assert_rejected(doc, "{day} of /api/daily_papers/{day} is not declared")

    def test_a_path_parameter_not_in_the_path_is_rejected(self):
        doc = source_document()
        doc["paths"]["/api/papers/{id}"]["get"]["parameters"].append(
            {"name": "version", "in": "path", "required": True, "schema": {"type": "string"}})
        self.assert_rejected(doc, "path parameter 'version' is not in the path")

    def test_an_optional_path_parameter_is_rejected(self):
        doc = source_document()
        doc["components"]["parameters"]["ListSlug"]["required"] = False
        self.assert_rejected(doc, "must be required: true")

    def test_a_dangling_ref_is_rejected(self):
        doc = source_document()
        doc["components"]["schemas"]["DailyItem"]["properties"]["paper"] = {
            "$ref": "#/components/schemas/Papers"}
        self.assert_rejected(doc, "'#/components/schemas/Papers' does not resolve")

    def test_an_invalid_schema_is_rejected(self):
        doc = source_document()
        doc["components"]["schemas"]["Paper"]["properties"]["upvotes"]["type"] = "int"
        self.assert_rejected(doc, "invalid schema")
        doc = source_document()
        doc["components"]["schemas"]["Error"]["required"] = "error"
        self.assert_rejected(doc, "invalid schema")

    def test_duplicate_operation_ids_are_rejected(self):
        doc = source_document()
        doc["paths"]["/api/papers"]["get"]["operationId"] = "getPaper"
        self.assert_rejected(doc, "operationId 'getPaper' also used")

    def test_bad_response_keys_and_missing_descriptions_are_rejected(self):
        doc = source_document()
        responses = doc["paths"]["/api/papers"]["get"]["responses"]
        responses["2xx"] = copy.deepcopy(responses["200"])
        self.assert_rejected(doc, "'2xx' is not a status code")
        doc = source_document()
        del doc["paths"]["/api/papers"]["get"]["responses"]["200"]["description"]
        self.assert_rejected(doc, "lacks required field 'description'")

    def test_other_versions_and_unknown_fields_are_rejected(self):
        doc = source_document()
        doc["openapi"] = "3.0.3"
        self.assert_rejected(doc, "not an OpenAPI 3.1.x version")
        doc = source_document()
        doc["paths"]["/api/papers"]["get"]["response"] = {}
        self.assert_rejected(doc, "Operation Object has no field 'response'")

    def test_identical_templated_paths_are_rejected(self):
        doc = source_document()
        doc["paths"]["/api/lists/{name}"] = {}
        self.assert_rejected(doc, "identical to /api/lists/{owner}")


class AnswerChecker(unittest.TestCase):
    """pp_openapi rejects answers the document does not allow."""

    PAPER = {"id": "2606.26740", "authors": [{"name": "Ada", "hidden": False}],
             "publishedAt": "2026-06-25T00:00:00.000Z", "title": "T", "summary": "S",
             "upvotes": 3, "numComments": 0}
    JSON = {"content-type": "application/json"}

    def check(self, method, target, status, body, headers=None):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        pp_openapi.check_response(method, target, status, headers or self.JSON, raw)

    def test_a_right_answer_passes(self):
        self.check("GET", "/api/papers/2606.26740", 200, self.PAPER)
        self.check("GET", "/api/papers/hep-th/9901001/comments", 200, [])
        self.check("HEAD", "/api/papers/2606.26740", 200, b"")
        self.check("GET", "/api/papers/2606.26740", 404, {"error": "no paper"})

    def test_wrong_answers_fail(self):
        wrong = [
            ("GET", "/api/papers/2606.26740", 200, dict(self.PAPER, upvotes="3")),
            ("GET", "/api/papers/2606.26740", 200,
             {k: v for k, v in self.PAPER.items() if k != "id"}),
            ("GET", "/api/papers/2606.26740", 200, dict(self.PAPER, authors=[])),
            ("GET", "/api/papers/2606.26740", 418, {"error": "teapot"}),
            ("GET", "/api/papers/2606.26740", 404, {"message": "no paper"}),
            ("GET", "/api/daily_papers", 200, [{"paper": self.PAPER}]),
            ("GET", "/api/no_such_endpoint", 200, []),
            ("PUT", "/api/daily_papers", 200, []),
        ]
        for method, target, status, body in wrong:
            with self.assertRaises(AssertionError, msg=(method, target, status, body)):
                self.check(method, target, status, body)
        with self.assertRaises(AssertionError):
            self.check("GET", "/api/papers/2606.26740", 200, b"<html>",
                       {"content-type": "text/html"})


class Served(unittest.TestCase):
    def test_get_openapi_json_is_the_checked_in_document(self):
        code, h, body = request("/openapi.json")
        self.assertEqual(code, 200)
        self.assertEqual(h["content-type"], "application/json")
        with open(SOURCE, "rb") as f:
            self.assertEqual(body, f.read())
        doc = json.loads(body)
        self.assertEqual(openapi_check.check(doc), [])
        self.assertEqual(h["cache-control"], "public, max-age=0, must-revalidate")
        self.assertEqual(h["access-control-allow-origin"], "*")
        code, _, body = request("/openapi.json", headers={"If-None-Match": h["etag"]})
        self.assertEqual((code, body), (304, b""))

    def test_servers_and_info_are_sane(self):
        doc = json.loads(request("/openapi.json")[2])
        # A relative server: the document works for every site that serves it.
        self.assertEqual([s["url"] for s in doc["servers"]], ["/"])
        self.assertEqual(doc["openapi"], "3.1.0")
        self.assertEqual(doc["info"]["title"], "paperpulse")
        self.assertRegex(doc["info"]["version"], r"^\d+\.\d+\.\d+$")
        for path in ("/api/daily_papers", "/api/papers", "/api/papers/{id}",
                     "/api/papers/search", "/api/papers/{id}/related", "/healthz", "/metrics",
                     "/papers/{id}.md", "/feeds/daily.atom"):
            self.assertIn(path, doc["paths"])
        params = {p["name"] for p in doc["paths"]["/api/daily_papers"]["get"]["parameters"]}
        self.assertLessEqual({"date", "week", "month", "limit", "p", "sort", "submitter",
                              "organization"}, params)

    def test_real_api_answers_validate(self):
        # pp_http checks each answer against the document (AssertionError).
        code, _, body = request("/api/daily_papers?date=" + DAY + "&limit=100")
        self.assertEqual(code, 200)
        items = json.loads(body)
        self.assertGreater(len(items), 5)
        orgs = {i["organization"]["name"] for i in items if "organization" in i}
        self.assertTrue(orgs, "the day's file has organisations")
        for item in items[:20]:
            self.assertEqual(request("/api/papers/" + item["paper"]["id"])[0], 200)
        org = sorted(orgs)[0]
        self.assertEqual(request("/api/daily_papers?organization="
                                 + urllib.parse.quote(org))[0], 200)
        submitter = items[0]["submittedBy"]["name"]
        self.assertEqual(request("/api/daily_papers?submitter="
                                 + urllib.parse.quote(submitter))[0], 200)
        # The index builds in the background: search answers 503 until then.
        deadline = time.time() + 60
        while True:
            code, _, body = request("/api/papers/search?q=video&limit=5")
            if code == 200 and json.loads(body) or time.time() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(code, 200)
        self.assertTrue(json.loads(body))
        for target in ("/api/daily_papers?week=2026-W27&sort=trending",
                       "/api/daily_papers?date=2026-02-30", "/api/papers?limit=5",
                       "/api/papers/2601.00000", "/api/papers/hep-th/9901001",
                       "/api/papers/search?q=diffusion", "/api/papers/search",
                       "/api/papers/" + items[0]["paper"]["id"] + "/related?limit=3",
                       "/api/papers/" + items[0]["paper"]["id"] + "/comments",
                       "/api/me", "/api/library", "/api/lists/nobody", "/api/no_such_thing"):
            code, _, _ = request(target)
            self.assertLess(code, 500, target)
        self.assertEqual(request("/api/papers/search?q=x", method="DELETE")[0], 405)
        self.assertEqual(request("/api/login", method="POST")[0], 400)
        self.assertEqual(pp_http.request(STATE["port"], "/api/login", "POST",
                                         {"Content-Type": "text/plain"}, b"x")[0], 415)


def setUpModule():
    tmp = tempfile.mkdtemp(prefix="pp_openapi_")
    STATE["tmp"] = tmp
    try:
        STATE["data"] = os.path.join(tmp, "var")
        subprocess.run([BIN, "import", "-q", "--data-dir", STATE["data"],
                        os.path.join(HF_DAILY, DAY + ".json")], check=True)
        STATE["log_path"] = os.path.join(tmp, "serve.log")
        proc, port, log = pp_server.start_server(BIN, STATE["data"], STATE["log_path"],
                                                 "--no-harvest")
        STATE.update(proc=proc, port=port, log=log)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def tearDownModule():
    try:
        if STATE.get("proc") is not None:
            pp_server.stop_server(STATE["proc"], STATE["log"])
    finally:
        shutil.rmtree(STATE["tmp"], ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
