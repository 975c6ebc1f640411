"""A set of choices in one text column (",rd,digital,"), searchable with ``contains`` on
SQLite and PostgreSQL alike: a programme's target groups, sizes, topics and WZ sections
are a handful of fixed values each, not worth a table each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def _split(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part for part in value.split(",") if part]
    return [str(part) for part in value if part]


if TYPE_CHECKING:
    _Base = models.CharField[Any, list[str]]
else:
    _Base = models.CharField


class ChoiceSetField(_Base):
    """Several values of ``options`` in stored order. ``filter(field__contains="rd")``
    finds rows holding "rd" (the value is wrapped in its commas before the query)."""

    description = "A set of choices"
    if TYPE_CHECKING:
        _pyi_private_set_type: list[str] | str  # type: ignore[assignment]
        _pyi_private_get_type: list[str]  # type: ignore[assignment]

    def __init__(self, *args: Any, options: Sequence[tuple[str, Any]] = (), **kwargs: Any):
        self.options = list(options)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["options"] = self.options
        if kwargs.get("max_length") == 200:
            del kwargs["max_length"]
        if kwargs.get("default") == "":
            del kwargs["default"]
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[str]:
        return _split(value)

    def to_python(self, value: Any) -> list[str]:
        return _split(value)

    def get_prep_value(self, value: Any) -> str:
        parts = _split(value)
        return f",{','.join(parts)}," if parts else ""

    def value_to_string(self, obj: Any) -> str:
        return ",".join(_split(self.value_from_object(obj)))

    def validate(self, value: Any, model_instance: Any) -> None:
        known = {str(key) for key, _label in self.options}
        unknown = [part for part in _split(value) if part not in known]
        if unknown:
            raise ValidationError(
                _("Unknown value(s): %(values)s.") % {"values": ", ".join(unknown)},
                code="invalid_choice",
            )
        if not self.blank and not _split(value):
            raise ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        defaults: dict[str, Any] = {
            "choices": self.options,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update({k: v for k, v in kwargs.items() if k in ("label", "required")})
        return forms.MultipleChoiceField(**defaults)


def ordered(values: Iterable[str], options: Sequence[tuple[str, Any]]) -> list[str]:
    """``values`` in the order of ``options`` (as the form shows them), unknown ones left out."""
    chosen = set(values)
    return [str(key) for key, _label in options if str(key) in chosen]
