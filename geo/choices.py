from django.db import models
from django.utils.translation import gettext_lazy as _


class GeocodePrecision(models.TextChoices):
    """How exact a site's coordinates are, best first."""

    EXACT = "exact", _("exact address")
    STREET = "street", _("street")
    POSTAL_CODE = "postal_code", _("postal-code centroid")
    MUNICIPALITY = "municipality", _("municipality centroid")
    MANUAL = "manual", _("set by hand")
    NONE = "none", _("not geocoded")
