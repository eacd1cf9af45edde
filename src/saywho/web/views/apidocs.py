"""The API's documentation as a page of this site, drawn from /openapi.json.

Swagger UI and ReDoc load their scripts from a CDN, which the CSP forbids and an offline
newsroom cannot reach; the spec is small enough to read as a plain page instead:
each endpoint with its parameters, body and responses, an example call, and the shapes.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from saywho.web.pages import page

router = APIRouter(include_in_schema=False)

#: The methods that change the corpus, and so need the token.
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request):
    spec = request.app.openapi()
    return page(request, "api.html", info=spec.get("info", {}), endpoints=endpoints(spec),
                shapes=shapes(spec), base=str(request.base_url).rstrip("/"))


def endpoints(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the spec, in its order, as the page lists it."""
    out = []
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            parameters = [
                {"name": p["name"], "in": p["in"], "required": p.get("required", False),
                 "type": type_name(p.get("schema", {})), "default": p.get("schema", {}).get("default"),
                 "description": p.get("description") or p.get("schema", {}).get("description", "")}
                for p in operation.get("parameters", [])
            ]
            body = operation.get("requestBody", {}).get("content", {})
            out.append({
                "method": method.upper(), "path": path, "anchor": operation.get("operationId", f"{method}-{path}"),
                "summary": operation.get("summary", ""), "description": operation.get("description", ""),
                "writes": method in WRITE_METHODS, "parameters": parameters,
                "body": [{"media": media, "type": type_name(c.get("schema", {}))} for media, c in body.items()],
                "responses": [
                    {"status": status, "description": r.get("description", ""),
                     "types": [f"{media}: {type_name(c.get('schema', {}))}" if c.get("schema") else media
                               for media, c in r.get("content", {}).items()]}
                    for status, r in operation.get("responses", {}).items()
                ],
                "example": example(method, path, parameters, bool(body)),
            })
    return out


def shapes(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The named schemas (response and body shapes) with their fields."""
    out = []
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required", []))
        out.append({
            "name": name, "description": schema.get("description", ""),
            "fields": [{"name": field, "type": type_name(prop), "required": field in required,
                        "description": prop.get("description", "")}
                       for field, prop in schema.get("properties", {}).items()],
        })
    return out


def type_name(schema: dict[str, Any]) -> str:
    """A schema as a short phrase: "string or null", "list of Statement", "one of direct, indirect"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(dict.fromkeys(type_name(s) for s in schema["anyOf"]))
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return "list of " + type_name(schema.get("items", {}))
    if schema.get("type") == "object" and "additionalProperties" in schema:
        return "object of " + type_name(schema["additionalProperties"]) if isinstance(schema["additionalProperties"], dict) else "object"
    kind = schema.get("type", "any")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def example(method: str, path: str, parameters: list[dict[str, Any]], has_body: bool) -> str:
    """A curl command calling the endpoint: path parameters as placeholders, the token for writes."""
    for p in parameters:
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", "1" if "integer" in p["type"] else p["name"].upper())
    parts = ["curl"]
    if method != "get":
        parts += ["-X", method.upper(), "-H", "'Authorization: Bearer $TOKEN'"]
    if has_body:
        parts += ["-H", "'Content-Type: application/json'", "-d", "'{...}'"]
    parts.append(f"'$SERVER{path}'")
    return " ".join(parts)
