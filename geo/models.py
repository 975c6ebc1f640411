"""Administrative geography: states, districts, municipalities and postal codes.

Boundaries are kept as GeoJSON text (simplified) so that SQLite and PostgreSQL
need no spatial extension; distances are computed from lat/lon.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.Model):
    ags = models.CharField(_("state key"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    geometry = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)

    class Meta:
        verbose_name = _("federal state")
        verbose_name_plural = _("federal states")
        ordering = ["ags"]

    def __str__(self) -> str:
        return self.name


class DistrictQuerySet(models.QuerySet["District"]):
    def current(self) -> DistrictQuerySet:
        """Districts that still exist (not dissolved by a territorial reform)."""
        return self.filter(merged_into__isnull=True)

    def in_state(self, state_ags: str) -> DistrictQuerySet:
        return self.filter(state__ags=state_ags)


class District(models.Model):
    """Landkreis or kreisfreie Stadt, keyed by its 5-digit AGS.

    A district dissolved by a territorial reform after the boundary data's reference
    date is kept (sites and statistics may still point at it) with ``merged_into`` set.
    """

    ags = models.CharField(_("district key (AGS)"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=100, blank=True)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="districts")
    nuts3 = models.CharField(_("NUTS-3"), max_length=5, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    population_date = models.DateField(_("population as of"), null=True, blank=True)
    geometry = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        help_text=_("Set for districts dissolved by a territorial reform."),
    )
    merged_on = models.DateField(_("merged on"), null=True, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.merged_into_id is None


class Municipality(models.Model):
    """A municipality (Gemeinde) with one representative point inside it."""

    UNINCORPORATED = "Gemeindefreies Gebiet"
    ags = models.CharField(_("municipality key (AGS)"), max_length=8, unique=True)
    ars = models.CharField(_("regional key (ARS)"), max_length=12, blank=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    # ``geo.names.fold_place_name(name)``: what the geocoder compares typed places with.
    name_folded = models.CharField(
        _("name (folded)"), max_length=200, db_index=True, editable=False
    )
    kind = models.CharField(_("kind"), max_length=100, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="municipalities")
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostalCode(models.Model):
    """One GeoNames row: a postal code with a place name and its centroid.

    Large-customer postal codes (a single organisation's code) are kept but flagged.
    """

    code = models.CharField(_("postal code"), max_length=5, db_index=True)
    place = models.CharField(_("place"), max_length=200)
    state = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.SET_NULL, related_name="postal_codes"
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    is_large_customer = models.BooleanField(_("large-customer postal code"), default=False)

    class Meta:
        verbose_name = _("postal code")
        verbose_name_plural = _("postal codes")
        ordering = ["code", "place"]
        constraints = [
            models.UniqueConstraint(fields=["code", "place"], name="postalcode_unique_code_place")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.place}"
