"""What every app's JSON API shares: the one error body, its status codes, input schemas.

Apps declare their operations' error answers with ``errors(401, 404, …)`` so that the
OpenAPI schema lists every status code an operation may answer, each with ``ErrorOut``;
the project's ``NinjaAPI`` (``clusterportal/api.py``) turns every error into that body.
Request bodies derive from ``InputSchema``, which refuses text no database can store.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from ninja.security import SessionAuth
from pydantic import Field, field_validator


class FieldErrorOut(Schema):
    field: str = Field(
        description="Where the value was: the body field (dotted for nested values) or the "
        "query or path parameter; empty for the request as a whole."
    )
    message: str


class ErrorOut(Schema):
    """The body of every error answer."""

    detail: str = Field(description="What went wrong, in words a person can act on.")
    errors: list[FieldErrorOut] = Field(
        default_factory=list, description="The values that were refused, each with its reason."
    )


ERROR_DESCRIPTIONS = {
    400: "The body is not valid JSON.",
    401: "Not signed in: sign in on the portal and send the session cookie.",
    403: "Signed in without the right to do this, or the CSRF token (X-CSRFToken) is missing.",
    404: "No published organisation under this address.",
    422: "A parameter or body value was refused; errors names each.",
    429: "Too many requests from this client; Retry-After says when to try again.",
    503: "The search is being rebuilt; Retry-After says when to try again.",
}


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The ``response`` entries of an operation's error answers, for its OpenAPI schema."""
    return dict.fromkeys(codes, ErrorOut)


class InputError(HttpError):
    """A refused input, answered 422 with each field's reason."""

    def __init__(self, message: str, fields: list[dict[str, str]] | None = None) -> None:
        super().__init__(422, message)
        self.fields = fields or []

    @classmethod
    def from_django(cls, error: DjangoValidationError) -> InputError:
        """A model or service ``ValidationError``, with its field names where it has them."""
        fields: list[dict[str, str]] = []
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                field = "" if name == "__all__" else name
                fields.extend({"field": field, "message": str(m)} for m in messages)
        return cls(" ".join(str(m) for m in error.messages), fields)


class TooManyRequests(HttpError):
    """Answered 429 with ``Retry-After``."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(429, message)
        self.retry_after = retry_after


class SignedIn(SessionAuth):
    """The portal's session: not signed in is 401; signed in, a change also needs the
    session's CSRF token (``X-CSRFToken``), else 403. (ninja's ``django_auth`` checks the
    token first and answers a visitor without a session 403.)"""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


signed_in = SignedIn()


def _refuse_unstorable(value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("contains a NUL character (\\u0000), which text may not contain")
    elif isinstance(value, list | tuple | set):
        for item in value:
            _refuse_unstorable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_unstorable(key)
            _refuse_unstorable(item)


class InputSchema(Schema):
    """Base of every request body: text with a NUL character is refused (422, naming the
    field), as Django's form fields refuse it; PostgreSQL cannot store it and SQLite would
    store it silently. (pydantic itself refuses lone surrogates.)"""

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        _refuse_unstorable(value)
        return value
