"""What the OpenAPI schema (drf-spectacular) says about Portal's own pieces: only /api/v1/ is
described (the Wagtail admin's internal API is not ours to publish), and how callers authenticate."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .scopes import LABELS


def only_ours(endpoints, **kwargs):
    """Preprocessing hook: the versioned API, nothing else that happens to use DRF."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token made in /me/api-tokens/ (starts with pat_).",
        }


class OAuthScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.AppAuthentication"
    name = "oauth2"

    def get_security_definition(self, auto_schema):
        scopes = {name: str(label) for name, label in LABELS.items()}
        return {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {"authorizationUrl": "/o/authorize/", "tokenUrl": "/o/token/", "scopes": scopes},
                "clientCredentials": {"tokenUrl": "/o/token/", "scopes": scopes},
            },
        }

    def get_security_requirement(self, auto_schema):
        scope = getattr(auto_schema.view, "scopes", {}).get("read" if auto_schema.method == "GET" else "write")
        return {self.name: [scope] if scope else []}


class PortalAutoSchema(AutoSchema):
    """Reads that anybody may make (public help articles, the community) say so: no token needed."""

    def get_auth(self):
        auth = super().get_auth()
        if getattr(self.view, "public_read", False) and self.method in ("GET", "HEAD") and {} not in auth:
            auth.append({})
        return auth


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem: what went wrong, for people and for programs.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "For invalid input: each field that was wrong and why.",
            "additionalProperties": True,
        },
    },
    "required": ["type", "title", "status", "detail"],
}
#: Answers any operation may give besides its success, each as a problem.
PROBLEMS = {
    "400": "The input is not valid (see errors).",
    "401": "No valid token was sent.",
    "403": "The token lacks the scope, or the person the role.",
    "404": "There is no such thing, or the caller may not see it.",
    "405": "This method is not allowed here.",
    "406": "The requested format is not available.",
    "409": "The request conflicts with the current state (rated already, a retry still running).",
    "415": "The body is in a format this call does not read.",
    "422": "This Idempotency-Key was used for a different request.",
    "429": "Too many calls: wait for Retry-After seconds.",
}


def problems(result, generator, request, public):
    """Postprocessing hook: every operation documents the problems it may answer with."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    reference = {"$ref": "#/components/schemas/Problem"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, text in PROBLEMS.items():
                responses.setdefault(
                    status, {"description": text, "content": {"application/problem+json": {"schema": reference}}}
                )
    return result
