"""Turns the OpenAPI schema into plain data for the server-rendered docs page.

Swagger UI and Redoc weigh about 1 MB and need inline scripts our CSP forbids; a page rendered
from the same schema costs a few KB and works without JavaScript on 2G.
"""

REF_PREFIX = "#/components/schemas/"
METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(schema):
    ref = schema.get("$ref", "")
    return ref.removeprefix(REF_PREFIX) if ref.startswith(REF_PREFIX) else None


def type_of(schema) -> dict:
    """``{"text": "...", "ref": "Name" or None}``: a short human reading of a JSON schema."""
    schema = schema or {}
    name = _ref_name(schema)
    if name:
        return {"text": name, "ref": name}
    parts = schema.get("allOf") or []
    if len(parts) == 1:
        found = type_of(parts[0])
        return {"text": found["text"] + (" | null" if schema.get("nullable") else ""), "ref": found["ref"]}
    choices = schema.get("oneOf") or schema.get("anyOf")
    if choices:
        return {"text": " | ".join(type_of(choice)["text"] for choice in choices), "ref": None}
    if schema.get("type") == "array":
        inner = type_of(schema.get("items"))
        return {"text": f"array of {inner['text']}", "ref": inner["ref"]}
    text = schema.get("type", "any")
    if schema.get("format"):
        text += f" ({schema['format']})"
    if schema.get("enum"):
        text += ": " + ", ".join(str(value) for value in schema["enum"] if value not in ("", None))
    if schema.get("nullable"):
        text += " | null"
    return {"text": text, "ref": None}


def _content_type(content):
    for media in (content or {}).values():
        return type_of(media.get("schema"))
    return None


def _operation(path, method, operation):
    body = operation.get("requestBody")
    return {
        "id": operation.get("operationId", f"{method}-{path}"),
        "method": method.upper(),
        "path": path,
        "summary": operation.get("summary", ""),
        "description": operation.get("description", ""),
        "authenticated": bool([scheme for scheme in operation.get("security", []) if scheme]),
        "parameters": [
            {
                "name": parameter["name"],
                "location": parameter.get("in", ""),
                "required": parameter.get("required", False),
                "type": type_of(parameter.get("schema")),
                "description": parameter.get("description", ""),
            }
            for parameter in operation.get("parameters", [])
        ],
        "request_body": _content_type(body.get("content")) if body else None,
        "responses": [
            {
                "status": status,
                "description": response.get("description", ""),
                "type": _content_type(response.get("content")),
            }
            for status, response in sorted(operation.get("responses", {}).items())
        ],
    }


def _component(name, schema):
    required = set(schema.get("required", []))
    return {
        "name": name,
        "description": schema.get("description", ""),
        "type": type_of({key: value for key, value in schema.items() if key != "properties"}),
        "properties": [
            {
                "name": field,
                "type": type_of(definition),
                "required": field in required,
                "description": definition.get("description", ""),
            }
            for field, definition in schema.get("properties", {}).items()
        ],
    }


def describe(schema) -> dict:
    """The docs page's context: operations in path order, then every component schema."""
    operations = [
        _operation(path, method, item[method])
        for path, item in schema.get("paths", {}).items()
        for method in METHODS
        if method in item
    ]
    components = schema.get("components", {})
    return {
        "api": schema.get("info", {}),
        "operations": operations,
        "schemas": [_component(name, definition) for name, definition in components.get("schemas", {}).items()],
        "security_schemes": [
            {"id": name, **definition} for name, definition in components.get("securitySchemes", {}).items()
        ],
    }
