"""Validators shared by models of several apps."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class NotAfterNextYear:
    """A year that lies at most one year ahead of today.

    A ``MaxValueValidator(date.today().year + 1)`` would write the year into the
    migration and make ``makemigrations --check`` fail every New Year; this one
    reads the date when it validates.
    """

    message = _("%(value)s lies in the future; enter a year up to %(limit)s.")
    code = "max_value"

    def __call__(self, value: int | None) -> None:
        limit = datetime.date.today().year + 1
        if value is not None and value > limit:
            raise ValidationError(
                self.message, code=self.code, params={"value": value, "limit": limit}
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NotAfterNextYear)

    def __hash__(self) -> int:
        return hash(type(self))
