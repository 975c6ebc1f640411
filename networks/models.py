"""Network and cluster profiles.

A network is an organisation of the directory (kind network or cluster): its name,
sites, contact persons, founding year, growth fields and members stay there. The
profile holds only what a network has beyond an organisation, so that nothing is kept
twice and the directory's pages, imports and search keep working for networks.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from directory.choices import NETWORK_KINDS, PublicationStatus, Source
from directory.models import Organisation


class NetworkProfile(TimeStampedModel):
    """What a network or cluster presents beyond its organisation's profile.

    Published exactly when its organisation is: a profile has no status of its own.
    """

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="network_profile",
        verbose_name=_("network or cluster"),
        limit_choices_to={"kind__in": [kind.value for kind in NETWORK_KINDS]},
    )
    carrier = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_networks",
        verbose_name=_("carrier organisation"),
        help_text=_("The organisation that runs the network (its legal body)."),
    )
    mission = models.TextField(_("mission"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    focus_topics = models.TextField(
        _("focus topics"), blank=True, help_text=_("One topic per line.")
    )
    services = models.TextField(_("services for members"), blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("network profile")
        verbose_name_plural = _("network profiles")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        organisation = getattr(self, "organisation", None)
        if organisation is not None and organisation.kind not in NETWORK_KINDS:
            raise ValidationError(
                {"organisation": _("Only a network or a cluster has a network profile.")}
            )
        if self.carrier_id is not None and self.carrier_id == self.organisation_id:
            raise ValidationError({"carrier": _("A network does not carry itself.")})

    @property
    def is_generated(self) -> bool:
        return self.source == Source.GENERATED

    @property
    def is_published(self) -> bool:
        return self.organisation.status == PublicationStatus.PUBLISHED

    @property
    def focus_topic_list(self) -> list[str]:
        return [line.strip() for line in self.focus_topics.splitlines() if line.strip()]
