"""A structural validator for OpenAPI 3.1 documents, written from the
OpenAPI Specification 3.1.0 text (Debian's openapi-specification package,
/usr/share/openapi-specification/versions/3.1.0.md; section names below are
the spec's): the fixed fields and their types of the objects a document is
made of, path templating, unique operationIds, response codes, and that every
$ref resolves inside the document. Schema Objects are checked as JSON Schema
2020-12, 3.1's default dialect, by python3-jsonschema's own metaschema
validator (Draft202012Validator.check_schema), an independent
implementation.

Debian bookworm packages no OpenAPI 3.1 validator, hence this one. Usage:
    python3 openapi_check.py DOCUMENT.json      (exit 1 listing the problems)
or check(document) -> [problem, ...] from Python.
"""
import json
import re
import sys

try:
    import jsonschema
except ImportError:  # a python3 (pyenv, venv) without Debian's python3-jsonschema
    sys.path.append("/usr/lib/python3/dist-packages")
    import jsonschema

# Operation fields of a Path Item Object.
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Fixed fields per object: name -> expected JSON type ("string", "boolean",
# "object", "array", "any"). Fields marked in REQUIRED must be present.
_FIELDS = {
    "OpenAPI": {"openapi": "string", "info": "object", "jsonSchemaDialect": "string",
                "servers": "array", "paths": "object", "webhooks": "object",
                "components": "object", "security": "array", "tags": "array",
                "externalDocs": "object"},
    "Info": {"title": "string", "summary": "string", "description": "string",
             "termsOfService": "string", "contact": "object", "license": "object",
             "version": "string"},
    "Contact": {"name": "string", "url": "string", "email": "string"},
    "License": {"name": "string", "identifier": "string", "url": "string"},
    "Server": {"url": "string", "description": "string", "variables": "object"},
    "ServerVariable": {"enum": "array", "default": "string", "description": "string"},
    "Components": {"schemas": "object", "responses": "object", "parameters": "object",
                   "examples": "object", "requestBodies": "object", "headers": "object",
                   "securitySchemes": "object", "links": "object", "callbacks": "object",
                   "pathItems": "object"},
    "PathItem": dict({"$ref": "string", "summary": "string", "description": "string",
                      "servers": "array", "parameters": "array"},
                     **{m: "object" for m in METHODS}),
    "Operation": {"tags": "array", "summary": "string", "description": "string",
                  "externalDocs": "object", "operationId": "string", "parameters": "array",
                  "requestBody": "object", "responses": "object", "callbacks": "object",
                  "deprecated": "boolean", "security": "array", "servers": "array"},
    "ExternalDocs": {"description": "string", "url": "string"},
    "Parameter": {"name": "string", "in": "string", "description": "string",
                  "required": "boolean", "deprecated": "boolean", "allowEmptyValue": "boolean",
                  "style": "string", "explode": "boolean", "allowReserved": "boolean",
                  "schema": "any", "example": "any", "examples": "object", "content": "object"},
    "Header": {"description": "string", "required": "boolean", "deprecated": "boolean",
               "allowEmptyValue": "boolean", "style": "string", "explode": "boolean",
               "allowReserved": "boolean", "schema": "any", "example": "any",
               "examples": "object", "content": "object"},
    "RequestBody": {"description": "string", "content": "object", "required": "boolean"},
    "MediaType": {"schema": "any", "example": "any", "examples": "object", "encoding": "object"},
    "Encoding": {"contentType": "string", "headers": "object", "style": "string",
                 "explode": "boolean", "allowReserved": "boolean"},
    "Response": {"description": "string", "headers": "object", "content": "object",
                 "links": "object"},
    "Example": {"summary": "string", "description": "string", "value": "any",
                "externalValue": "string"},
    "Link": {"operationRef": "string", "operationId": "string", "parameters": "object",
             "requestBody": "any", "description": "string", "server": "object"},
    "Tag": {"name": "string", "description": "string", "externalDocs": "object"},
    "SecurityScheme": {"type": "string", "description": "string", "name": "string",
                       "in": "string", "scheme": "string", "bearerFormat": "string",
                       "flows": "object", "openIdConnectUrl": "string"},
}
_REQUIRED = {
    "OpenAPI": ("openapi", "info"),
    "Info": ("title", "version"),
    "License": ("name",),
    "Server": ("url",),
    "ServerVariable": ("default",),
    "ExternalDocs": ("url",),
    "Parameter": ("name", "in"),
    "RequestBody": ("content",),
    "Response": ("description",),
    "Tag": ("name",),
    "SecurityScheme": ("type",),
}
_JSON_TYPES = {"string": str, "boolean": bool, "object": dict, "array": list}
# Components Object: "MUST use keys that match the regular expression".
_COMPONENT_KEY = re.compile(r"^[a-zA-Z0-9.\-_]+$")
# Responses Object: a status code, or a range 1XX..5XX.
_RESPONSE_KEY = re.compile(r"^(default|[1-5][0-9][0-9]|[1-5]XX)$")
_TEMPLATE = re.compile(r"\{([^{}/]+)\}")
# Style Values: the styles each location allows.
_STYLES = {"path": {"matrix", "label", "simple"},
           "query": {"form", "spaceDelimited", "pipeDelimited", "deepObject"},
           "header": {"simple"}, "cookie": {"form"}}


class _Checker:
    def __init__(self, doc):
        self.doc = doc
        self.problems = []
        self.operation_ids = {}

    def fail(self, where, message):
        self.problems.append("%s: %s" % (where, message))

    # --- references -----------------------------------------------------

    def resolve(self, ref, where):
        """The value `ref` ("#/a/b") names in the document, or None (noted)."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            self.fail(where, "$ref %r does not point into this document" % (ref,))
            return None
        node = self.doc
        pointer = ref[1:]
        if pointer == "":
            return node
        if not pointer.startswith("/"):
            self.fail(where, "$ref %r is not a JSON pointer" % ref)
            return None
        for token in pointer[1:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                self.fail(where, "$ref %r does not resolve" % ref)
                return None
        return node

    def all_refs(self, node, where):
        """Every "$ref" anywhere in the document must resolve."""
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                self.resolve(node["$ref"], where)
            for k, v in node.items():
                self.all_refs(v, "%s/%s" % (where, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                self.all_refs(v, "%s/%d" % (where, i))

    def deref(self, obj, where):
        """A Reference Object's target (followed through chains), else obj."""
        seen = set()
        while isinstance(obj, dict) and "$ref" in obj:
            ref = obj["$ref"]
            if ref in seen:
                self.fail(where, "$ref cycle through %r" % ref)
                return None
            seen.add(ref)
            obj = self.resolve(ref, where)
        return obj

    # --- objects --------------------------------------------------------

    def fields(self, kind, obj, where):
        """Checks `obj` as a `kind` object: a JSON object whose fixed fields
        have their types, required ones present, others only x- extensions.
        False when it is not an object at all."""
        if not isinstance(obj, dict):
            self.fail(where, "%s Object must be a JSON object" % kind)
            return False
        known = _FIELDS[kind]
        for name in _REQUIRED.get(kind, ()):
            if name not in obj:
                self.fail(where, "%s Object lacks required field %r" % (kind, name))
        for name, value in obj.items():
            if name.startswith("x-"):
                continue
            if name not in known:
                self.fail(where, "%s Object has no field %r" % (kind, name))
                continue
            want = known[name]
            if want != "any" and not isinstance(value, _JSON_TYPES[want]):
                self.fail(where, "%s.%s must be a %s" % (kind, name, want))
            if want == "string" and isinstance(value, bool):
                self.fail(where, "%s.%s must be a string" % (kind, name))
        return True

    def schema(self, schema, where):
        """A Schema Object: JSON Schema 2020-12 (booleans are schemas too)."""
        if not isinstance(schema, (dict, bool)):
            self.fail(where, "Schema Object must be an object or a boolean")
            return
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            path = "/".join(str(p) for p in e.absolute_path)
            self.fail(where + ("/" + path if path else ""), "invalid schema: " + e.message)

    def check_map(self, kind, mapping, where, check):
        if not isinstance(mapping, dict):
            self.fail(where, "%s must be a map" % kind)
            return
        for key, value in mapping.items():
            check(value, "%s/%s" % (where, key))

    def media_types(self, content, where):
        if not isinstance(content, dict):
            return
        for media, mt in content.items():
            w = "%s/%s" % (where, media)
            if "/" not in media:
                self.fail(w, "%r is not a media type or range" % media)
            if not self.fields("MediaType", mt, w):
                continue
            if "schema" in mt:
                self.schema(mt["schema"], w + "/schema")
            if "example" in mt and "examples" in mt:
                self.fail(w, "example and examples are mutually exclusive")
            if "examples" in mt:
                self.check_map("examples", mt["examples"], w + "/examples", self.example)
            if "encoding" in mt and isinstance(mt["encoding"], dict):
                for name, enc in mt["encoding"].items():
                    self.fields("Encoding", enc, "%s/encoding/%s" % (w, name))

    def example(self, ex, where):
        if isinstance(ex, dict) and "$ref" in ex:
            return
        if self.fields("Example", ex, where) and "value" in ex and "externalValue" in ex:
            self.fail(where, "value and externalValue are mutually exclusive")

    def parameter_like(self, kind, p, where):
        """Parameter and Header Objects: schema xor content (one entry)."""
        if not self.fields(kind, p, where):
            return
        if ("schema" in p) == ("content" in p):
            self.fail(where, "%s must have either schema or content" % kind)
        if "schema" in p:
            self.schema(p["schema"], where + "/schema")
        if "content" in p:
            if isinstance(p["content"], dict) and len(p["content"]) != 1:
                self.fail(where, "content must have exactly one entry")
            self.media_types(p["content"], where + "/content")
        if "example" in p and "examples" in p:
            self.fail(where, "example and examples are mutually exclusive")

    def parameter(self, p, where):
        if isinstance(p, dict) and "$ref" in p:
            return
        self.parameter_like("Parameter", p, where)
        if not isinstance(p, dict):
            return
        loc = p.get("in")
        if loc not in _STYLES:
            self.fail(where, "in must be one of query, header, path, cookie, not %r" % (loc,))
            return
        if loc == "path" and p.get("required") is not True:
            self.fail(where, "path parameter %r must be required: true" % p.get("name"))
        if "style" in p and p["style"] not in _STYLES[loc]:
            self.fail(where, "style %r is not allowed in %s" % (p["style"], loc))
        if "allowEmptyValue" in p and loc != "query":
            self.fail(where, "allowEmptyValue applies to query parameters only")

    def header(self, h, where):
        if isinstance(h, dict) and "$ref" in h:
            return
        if isinstance(h, dict) and ("name" in h or "in" in h):
            self.fail(where, "Header Object must not have name or in")
            h = {k: v for k, v in h.items() if k not in ("name", "in")}
        self.parameter_like("Header", h, where)

    def request_body(self, rb, where):
        if isinstance(rb, dict) and "$ref" in rb:
            return
        if self.fields("RequestBody", rb, where):
            self.media_types(rb.get("content"), where + "/content")

    def response(self, r, where):
        if isinstance(r, dict) and "$ref" in r:
            return
        if not self.fields("Response", r, where):
            return
        if "headers" in r:
            self.check_map("headers", r["headers"], where + "/headers", self.header)
        self.media_types(r.get("content"), where + "/content")
        if "links" in r:
            self.check_map("links", r["links"], where + "/links", self.link)

    def link(self, link, where):
        if isinstance(link, dict) and "$ref" in link:
            return
        if self.fields("Link", link, where) and ("operationRef" in link) == ("operationId" in link):
            self.fail(where, "Link needs exactly one of operationRef and operationId")

    def responses(self, rs, where):
        if not isinstance(rs, dict):
            self.fail(where, "Responses Object must be a JSON object")
            return
        codes = [k for k in rs if not k.startswith("x-")]
        if not codes:
            self.fail(where, "Responses Object must contain at least one response code")
        for code in codes:
            if not _RESPONSE_KEY.match(code):
                self.fail(where, "%r is not a status code, a range 1XX..5XX or default" % code)
            self.response(rs[code], "%s/%s" % (where, code))

    def security(self, reqs, where):
        schemes = self.doc.get("components", {}).get("securitySchemes", {})
        if not isinstance(reqs, list):
            return
        for i, req in enumerate(reqs):
            w = "%s/%d" % (where, i)
            if not isinstance(req, dict):
                self.fail(w, "Security Requirement Object must be a JSON object")
                continue
            for name, scopes in req.items():
                if name not in schemes:
                    self.fail(w, "security scheme %r is not declared in components" % name)
                if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
                    self.fail(w, "%r must map to an array of strings" % name)

    def security_scheme(self, s, where):
        if isinstance(s, dict) and "$ref" in s:
            return
        if not self.fields("SecurityScheme", s, where):
            return
        needs = {"apiKey": ("name", "in"), "http": ("scheme",), "mutualTLS": (),
                 "oauth2": ("flows",), "openIdConnect": ("openIdConnectUrl",)}
        kind = s.get("type")
        if kind not in needs:
            self.fail(where, "type %r is not one of %s" % (kind, ", ".join(needs)))
            return
        for name in needs[kind]:
            if name not in s:
                self.fail(where, "a %s scheme needs %r" % (kind, name))
        if kind == "apiKey" and s.get("in") not in ("query", "header", "cookie"):
            self.fail(where, "apiKey in must be query, header or cookie")

    def parameter_list(self, params, where):
        """The (name, in) -> Parameter of a parameters array (unique)."""
        out = {}
        if not isinstance(params, list):
            return out
        for i, p in enumerate(params):
            w = "%s/%d" % (where, i)
            self.parameter(p, w)
            target = self.deref(p, w)
            if not isinstance(target, dict):
                continue
            key = (target.get("name"), target.get("in"))
            if key in out:
                self.fail(w, "duplicate parameter %s in %s" % key)
            out[key] = target
        return out

    def operation(self, op, where, path, path_params):
        if not self.fields("Operation", op, where):
            return
        oid = op.get("operationId")
        if isinstance(oid, str):
            if oid in self.operation_ids:
                self.fail(where, "operationId %r also used at %s" % (oid, self.operation_ids[oid]))
            else:
                self.operation_ids[oid] = where
        if "tags" in op and not all(isinstance(t, str) for t in op["tags"]):
            self.fail(where, "tags must be strings")
        params = dict(path_params)
        params.update(self.parameter_list(op.get("parameters", []), where + "/parameters"))
        if path is not None:
            self.path_templating(path, params, where)
        if "requestBody" in op:
            self.request_body(op["requestBody"], where + "/requestBody")
        if "responses" in op:
            self.responses(op["responses"], where + "/responses")
        if "security" in op:
            self.security(op["security"], where + "/security")
        if "callbacks" in op:
            self.check_map("callbacks", op["callbacks"], where + "/callbacks", self.callback)

    def callback(self, cb, where):
        if isinstance(cb, dict) and "$ref" in cb:
            return
        if isinstance(cb, dict):
            for expr, item in cb.items():
                if not expr.startswith("x-"):
                    self.path_item(item, "%s/%s" % (where, expr), None)

    def path_templating(self, path, params, where):
        """Path Templating: each {name} of the path is a required path
        parameter, and each path parameter names a template expression."""
        names = _TEMPLATE.findall(path)
        if len(set(names)) != len(names):
            self.fail(where, "path %s repeats a template expression" % path)
        declared = {name for (name, loc) in params if loc == "path"}
        for name in names:
            if name not in declared:
                self.fail(where, "{%s} of %s is not declared as a path parameter" % (name, path))
        for name in declared - set(names):
            self.fail(where, "path parameter %r is not in the path %s" % (name, path))

    def path_item(self, item, where, path):
        if not self.fields("PathItem", item, where):
            return
        if "$ref" in item:
            target = self.deref(item, where)
            if isinstance(target, dict):
                item = dict(target, **{k: v for k, v in item.items() if k != "$ref"})
        path_params = self.parameter_list(item.get("parameters", []), where + "/parameters")
        ops = [m for m in METHODS if m in item]
        for m in ops:
            self.operation(item[m], "%s/%s" % (where, m), path, path_params)
        if path is not None and not ops and path_params:
            self.path_templating(path, path_params, where)
        if "servers" in item:
            self.servers(item["servers"], where + "/servers")

    def servers(self, servers, where):
        if not isinstance(servers, list):
            return
        for i, s in enumerate(servers):
            w = "%s/%d" % (where, i)
            if self.fields("Server", s, w) and isinstance(s.get("variables"), dict):
                for name, var in s["variables"].items():
                    self.fields("ServerVariable", var, "%s/variables/%s" % (w, name))

    def paths(self, paths):
        shapes = {}
        for path, item in paths.items():
            if path.startswith("x-"):
                continue
            w = "#/paths/" + path
            if not path.startswith("/"):
                self.fail(w, "a path must begin with /")
            # "Templated paths with the same hierarchy but different
            # templated names MUST NOT exist as they are identical."
            shape = _TEMPLATE.sub("{}", path)
            if shape in shapes:
                self.fail(w, "identical to %s but for template names" % shapes[shape])
            shapes[shape] = path
            self.path_item(item, w, path)

    def components(self, comps):
        w = "#/components"
        for section, objects in comps.items():
            if section.startswith("x-") or not isinstance(objects, dict):
                continue
            for key in objects:
                if not _COMPONENT_KEY.match(key):
                    self.fail("%s/%s" % (w, section), "key %r does not match %s"
                              % (key, _COMPONENT_KEY.pattern))
        check = {
            "schemas": self.schema, "responses": self.response, "parameters": self.parameter,
            "examples": self.example, "requestBodies": self.request_body,
            "headers": self.header, "securitySchemes": self.security_scheme,
            "links": self.link, "callbacks": self.callback,
            "pathItems": lambda item, where: self.path_item(item, where, None),
        }
        for section, fn in check.items():
            if isinstance(comps.get(section), dict):
                for key, value in comps[section].items():
                    fn(value, "%s/%s/%s" % (w, section, key))

    def run(self):
        doc = self.doc
        if not self.fields("OpenAPI", doc, "#"):
            return self.problems
        version = doc.get("openapi")
        if isinstance(version, str) and not re.match(r"^3\.1\.[0-9]+$", version):
            self.fail("#/openapi", "%r is not an OpenAPI 3.1.x version" % version)
        if not any(k in doc for k in ("paths", "components", "webhooks")):
            self.fail("#", "needs at least one of paths, components, webhooks")
        if "info" in doc and self.fields("Info", doc["info"], "#/info"):
            info = doc["info"]
            if "contact" in info:
                self.fields("Contact", info["contact"], "#/info/contact")
            if "license" in info and self.fields("License", info["license"], "#/info/license"):
                if "identifier" in info["license"] and "url" in info["license"]:
                    self.fail("#/info/license", "identifier and url are mutually exclusive")
        if "servers" in doc:
            self.servers(doc["servers"], "#/servers")
        if isinstance(doc.get("tags"), list):
            names = []
            for i, t in enumerate(doc["tags"]):
                if self.fields("Tag", t, "#/tags/%d" % i):
                    names.append(t.get("name"))
            if len(names) != len(set(names)):
                self.fail("#/tags", "tag names must be unique")
        if isinstance(doc.get("components"), dict):
            self.fields("Components", doc["components"], "#/components")
            self.components(doc["components"])
        if isinstance(doc.get("paths"), dict):
            self.paths(doc["paths"])
        if isinstance(doc.get("webhooks"), dict):
            for name, item in doc["webhooks"].items():
                self.path_item(item, "#/webhooks/" + name, None)
        if "security" in doc:
            self.security(doc["security"], "#/security")
        self.all_refs(doc, "#")
        return self.problems


def check(doc):
    """The problems of the OpenAPI 3.1 document `doc` (parsed JSON), as
    "location: message" strings; empty when it is valid."""
    return _Checker(doc).run()


def main(argv):
    if len(argv) != 2:
        print("usage: openapi_check.py DOCUMENT.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        problems = check(json.load(f))
    for p in problems:
        print(p)
    if problems:
        print("%s: %d problem(s)" % (argv[1], len(problems)), file=sys.stderr)
        return 1
    print("%s: valid OpenAPI 3.1" % argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
