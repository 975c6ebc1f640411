"""The back office's name (the German catalog translates "Back office" as "Verwaltung")."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

admin.site.site_header = format_lazy("{} – {}", settings.PORTAL_NAME, _("Back office"))
admin.site.site_title = admin.site.site_header
admin.site.index_title = _("Back office")
