from django.db import models
from django.utils.translation import gettext_lazy as _


class SynonymSource(models.TextChoices):
    CURATED = "curated", _("curated domain list")
    OPENTHESAURUS = "openthesaurus", _("OpenThesaurus")
    STAFF = "staff", _("added by staff")


class Engine(models.TextChoices):
    TANTIVY = "tantivy", "Tantivy"
    POSTGRES = "postgres", "PostgreSQL"
