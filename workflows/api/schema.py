"""The OpenAPI schema documents every error response an operation can give.

The errors follow from how the operation is built, so they are added here once rather than
repeated in every ``extend_schema``: 401/403 when it needs a login, 404 when its path names an
object, 400 when it takes query parameters or a body, 413 and 415 for a body, 429 when
throttled. Operation-specific errors (409, a 403 with its own meaning) still go in ``extend_schema``;
those descriptions win.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny

from workflows.public.outage import is_public_write

from .exceptions import ErrorSerializer

_DESCRIPTIONS = {
    "400": "Invalid input: `errors` names each field or parameter and what is wrong.",
    "401": "No credentials, or credentials that are not valid.",
    "403": "Not allowed: the caller may see this but may not do it.",
    "404": "No such object, or one the caller may not see.",
    "413": "The body is larger than this operation accepts.",
    "415": "The body is not of the type this operation takes (application/json unless the "
    "operation says otherwise).",
    "429": "Too many requests: retry after the number of seconds in Retry-After.",
    "503": "The portal cannot take submissions while a service it depends on is down; nothing "
    "was recorded: retry after the number of seconds in Retry-After.",
}


class TokenScheme(OpenApiAuthenticationExtension):
    """The token scheme with its prefix said where generators and people look for it."""

    target_class = "rest_framework.authentication.TokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "The header is `Authorization: Token <key>`: the word `Token`, a "
            "space, then the key (not `Bearer`). A generated client needs the prefix set, e.g. "
            'openapi-python-client\'s `AuthenticatedClient(token=key, prefix="Token")`.',
            "x-token-prefix": "Token",
        }


def roles_sentence(roles) -> str:
    """``roles`` ((role, unit of the subject) pairs) as the sentence an operation's description
    ends with."""
    from django.utils import translation

    from workflows.roles import ROLES

    if not roles:
        return "Who may act: nobody by role (see the operation's description)."
    with translation.override("en"):
        named = [f"`{role}` ({ROLES[role]}) of the {unit}" for role, unit in roles]
    return "Who may act: whoever holds " + "; or ".join(named) + "."


def roles_extension(roles) -> dict:
    """``extend_schema(extensions=...)``: the ``x-roles`` of an operation that acts on a
    process, one ``{"role", "unit"}`` per role that may take it."""
    return {"x-roles": [{"role": role, "unit": unit} for role, unit in roles]}


class FazhiAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._implicit_error_codes(operation):
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
            responses[code]["description"] = (
                responses[code].get("description") or (_DESCRIPTIONS[code])
            )
        if "415" in responses and operation.get("requestBody"):
            types = " or ".join(operation["requestBody"]["content"])
            responses["415"]["description"] = f"The body is not {types}."
        for code in ("429", "503"):
            if code in responses:
                responses[code]["headers"] = {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before the next request.",
                    }
                }
        return operation

    def _implicit_error_codes(self, operation) -> list[str]:
        codes = []
        parameters = operation.get("parameters", [])
        if operation.get("requestBody") or any(p["in"] == "query" for p in parameters):
            codes.append("400")
        if self._needs_login():
            codes += ["401", "403"]
        if any(p["in"] == "path" for p in parameters):
            codes.append("404")
        if operation.get("requestBody"):
            codes += ["413", "415"]
        if self.view.get_throttles():
            codes.append("429")
        if is_public_write(self.path, self.method):
            codes.append("503")  # refused while Redis is down (workflows.public.outage)
        return codes

    def _needs_login(self) -> bool:
        permissions = self.view.get_permissions()
        return bool(permissions) and not all(isinstance(p, AllowAny) for p in permissions)
