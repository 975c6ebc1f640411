from django.db import models
from django.utils.translation import gettext_lazy as _


class WzVersion(models.TextChoices):
    WZ2008 = "2008", "WZ 2008"
    WZ2025 = "2025", "WZ 2025"


class WzLevel(models.IntegerChoices):
    SECTION = 1, _("section")
    DIVISION = 2, _("division")
    GROUP = 3, _("group")
    CLASS = 4, _("class")
    SUBCLASS = 5, _("subclass")
