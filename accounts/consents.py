"""The wording people agree to, with a version that consent records keep."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    version: str
    text: Promise


# A changed wording gets a new version; records keep the text and version agreed to.
PRIVACY_CONSENT = ConsentText(
    purpose="privacy",
    version="2026-11-30",
    text=_(
        "I agree that the agency processes my account data (name, email address, what "
        "I enter) to run my account, as the privacy policy describes."
    ),
)
