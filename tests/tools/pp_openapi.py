"""Checks answers of the API against its OpenAPI document
(src/paperpulse/http/openapi.json): the operation of the request's method and
path must exist, document the status (exactly, else its range, else
default) and the media type, and a JSON body must validate against the
documented schema (python3-jsonschema, JSON Schema 2020-12, the dialect of
OpenAPI 3.1). pp_http.request and pp_client.Client.request call
check_response on every /api/ answer, so every integration test that uses
them checks the document against the real server, and the server against
the document.
"""
import gzip
import json
import os
import re
import sys
import threading
import urllib.parse

try:
    import jsonschema
except ImportError:  # a python3 (pyenv, venv) without Debian's python3-jsonschema
    sys.path.append("/usr/lib/python3/dist-packages")
    import jsonschema

DOCUMENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src",
                        "paperpulse", "http", "openapi.json")
_TEMPLATE = re.compile(r"\{([^{}/]+)\}")
_STATE = {}
_LOCK = threading.Lock()  # tests check answers from many threads at once


def document():
    """The OpenAPI document, parsed once."""
    with _LOCK:
        if "routes" not in _STATE:
            with open(DOCUMENT, encoding="utf-8") as f:
                _STATE["doc"] = json.load(f)
            _STATE["validators"] = {}
            _STATE["routes"] = _compile_routes(_STATE["doc"])
    return _STATE["doc"]


def _deref(obj):
    doc = _STATE["doc"]
    while isinstance(obj, dict) and "$ref" in obj:
        node = doc
        for token in obj["$ref"][2:].split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        obj = node
    return obj


def _multi_segment(item, name):
    """Whether path parameter `name` of the path item may span segments
    (x-multi-segment: old-style arXiv ids such as hep-th/9901001)."""
    params = list(item.get("parameters", []))
    for method, op in item.items():
        if isinstance(op, dict) and method != "parameters":
            params += op.get("parameters", [])
    for p in params:
        p = _deref(p)
        if p.get("in") == "path" and p.get("name") == name and p.get("x-multi-segment"):
            return True
    return False


def _compile_routes(doc):
    """(regex, template, path item) per path, most specific first: more
    literal characters, then fewer parameters (so /api/papers/search beats
    /api/papers/{id}, and /api/papers/{id}/comments beats /api/papers/{id}
    whose id may span segments), as the server's route order does."""
    routes = []
    for template, item in doc.get("paths", {}).items():
        regex = ""
        pos = 0
        literal = 0
        params = 0
        for m in _TEMPLATE.finditer(template):
            regex += re.escape(template[pos:m.start()])
            literal += m.start() - pos
            regex += "(.+)" if _multi_segment(item, m.group(1)) else "([^/]+)"
            params += 1
            pos = m.end()
        regex += re.escape(template[pos:])
        literal += len(template) - pos
        routes.append((-literal, params, template, re.compile(regex + r"\Z"), item))
    routes.sort(key=lambda r: (r[0], r[1]))
    return [(r[3], r[2], r[4]) for r in routes]


def _validator(schema):
    """A 2020-12 validator of `schema`, whose #/components/... references
    resolve in the document (the schema sits in a root that carries the
    document's components)."""
    key = id(schema)
    with _LOCK:
        cache = _STATE["validators"]
        if key not in cache:
            root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                    "components": _STATE["doc"].get("components", {}), "allOf": [schema]}
            cache[key] = jsonschema.Draft202012Validator(root)
        return cache[key]


def find_operation(method, path):
    """(template, operation) for `method` on the decoded `path`; operation
    is None when the path is documented for other methods only; (None,
    None) when no documented path matches."""
    document()
    method = "get" if method.upper() == "HEAD" else method.lower()
    matched = None
    for regex, template, item in _STATE["routes"]:
        if regex.match(path):
            if method in item:
                return template, item[method]
            matched = matched or template
    return matched, None


def _media_type(content, content_type):
    mime = content_type.split(";")[0].strip().lower()
    for key in (mime, mime.split("/")[0] + "/*", "*/*"):
        if key in content:
            return key, content[key]
    return mime, None


def _json_error(where, status, content_type, body):
    if not content_type.startswith("application/json"):
        raise AssertionError("OpenAPI: %s -> %d: expected a JSON error, got %r %r"
                             % (where, status, content_type, body[:200]))
    errors = list(_validator(document()["components"]["schemas"]["Error"]).iter_errors(
        json.loads(body)))
    if errors:
        raise AssertionError("OpenAPI: %s -> %d: not an Error object: %s"
                             % (where, status, errors[0].message))


def check_response(method, target, status, headers, body):
    """Raises AssertionError (naming the request, the status and what is
    wrong) unless the answer `status`, `headers` (lower-case names) and
    `body` (bytes) to `method` `target` (path and query, as sent) is one the
    OpenAPI document allows."""
    path = urllib.parse.unquote(target.split("?", 1)[0])
    where = "%s %s" % (method, target)
    content_type = headers.get("content-type", "")
    if body and headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    template, op = find_operation(method, path)
    if template is None:
        # The server's catch-all: an endpoint that does not exist.
        if status != 404:
            raise AssertionError("OpenAPI: %s -> %d: the path is not documented"
                                 % (where, status))
        _json_error(where, status, content_type, body)
        return
    if op is None:
        if status != 405:
            raise AssertionError("OpenAPI: %s -> %d: %s is documented without %s"
                                 % (where, status, template, method))
        _json_error(where, status, content_type, body)
        return
    where = "%s (%s %s)" % (where, method.upper(), template)
    responses = op.get("responses", {})
    code = str(status)
    response = responses.get(code) or responses.get(code[0] + "XX") or responses.get("default")
    if response is None:
        raise AssertionError("OpenAPI: %s -> %d: status not documented (only %s)"
                             % (where, status, ", ".join(sorted(responses))))
    response = _deref(response)
    if status == 304 or method.upper() == "HEAD" or not body:
        return
    content = response.get("content")
    if not content:
        raise AssertionError("OpenAPI: %s -> %d: documented without a body, got %r"
                             % (where, status, body[:200]))
    mime, media = _media_type(content, content_type)
    if media is None:
        raise AssertionError("OpenAPI: %s -> %d: media type %s not documented (only %s)"
                             % (where, status, mime, ", ".join(sorted(content))))
    if not (mime == "application/json" or mime.endswith("+json")) or "schema" not in media:
        return
    try:
        value = json.loads(body)
    except ValueError as e:
        raise AssertionError("OpenAPI: %s -> %d: body is not JSON (%s): %r"
                             % (where, status, e, body[:200])) from None
    error = jsonschema.exceptions.best_match(_validator(media["schema"]).iter_errors(value))
    if error is not None:
        at = "/".join(str(p) for p in error.absolute_path)
        raise AssertionError("OpenAPI: %s -> %d: at /%s: %s" % (where, status, at, error.message))
