"""A mail backend that fails as a real server or a dying process would, on demand."""

from __future__ import annotations

from typing import Any

from django.core.mail.backends.locmem import EmailBackend


class Crash(BaseException):
    """The process dies (kill -9, power) while talking to the mail server."""


class FailingBackend(EmailBackend):
    #: What the next sends raise, one entry per message (None: deliver).
    script: list[BaseException | None] = []

    def send_messages(self, messages: Any) -> int:
        if FailingBackend.script:
            error = FailingBackend.script.pop(0)
            if error is not None:
                raise error
        return super().send_messages(messages)
