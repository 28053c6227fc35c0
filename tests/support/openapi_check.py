"""Validates real responses against src/api/openapi.json.

    checker = OpenApiChecker()
    response = requests.get(...)
    checker.check(response)   # raises when the body does not match the documented schema

Every JSON response is matched to its path template and method, then its
status (or "default"), and its body validated with JSON Schema 2020-12
(OpenAPI 3.1 schemas are JSON Schema)."""
import json
import os
import urllib.parse

import jsonschema

from townhall import REPO


class OpenApiChecker:
    def __init__(self, path=os.path.join(REPO, "src", "api", "openapi.json")):
        with open(path) as f:
            self.doc = json.load(f)
        self.resolver = jsonschema.RefResolver.from_schema(self.doc)
        self.checked = {}  # (template, method, status) -> count

    def template_for(self, path):
        segments = path.strip("/").split("/")
        for template in self.doc["paths"]:
            parts = template.strip("/").split("/")
            if len(parts) != len(segments):
                continue
            if all(p == s or (p.startswith("{") and p.endswith("}")) for p, s in zip(parts, segments)):
                return template
        return None

    def schema_for(self, response):
        request = response.request
        path = urllib.parse.urlsplit(request.url).path
        template = self.template_for(path)
        operation = self.doc["paths"][template].get(request.method.lower()) if template else None
        if not operation:
            # Unknown routes and methods: only the documented error shape may come back.
            assert response.status_code in (404, 405), "undocumented %s %s" % (request.method, path)
            return template or "(unmatched)", self.resolver.resolve("#/components/responses/Error")[1]
        documented = operation["responses"].get(str(response.status_code)) or operation["responses"].get("default")
        assert documented, "undocumented status %d for %s %s" % (response.status_code, request.method, template)
        if "$ref" in documented:
            _, documented = self.resolver.resolve(documented["$ref"])
        return template, documented

    def check(self, response):
        template, documented = self.schema_for(response)
        content = documented.get("content", {})
        if "application/json" in content:
            assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
            schema = content["application/json"]["schema"]
            jsonschema.Draft202012Validator(schema, resolver=self.resolver).validate(response.json())
        else:
            assert not response.content or "text/plain" in content, \
                "undocumented body for %s %d" % (template, response.status_code)
        key = (template, response.request.method, response.status_code)
        self.checked[key] = self.checked.get(key, 0) + 1
        return response
