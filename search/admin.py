from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import SynonymSet


@admin.register(SynonymSet)
class SynonymSetAdmin(admin.ModelAdmin):
    """Staff add synonyms of their own; the curated and OpenThesaurus sets come from files."""

    list_display = ("__str__", "source")
    list_filter = ("source",)
    search_fields = ("terms",)
    fields = ("source", "terms")

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Imported sets are replaced by the next import: edit the file, not the row.
        if obj is not None and obj.source != "staff":
            return ("source", "terms")
        return ()

    @admin.display(description=_("terms"))
    def short_terms(self, obj: SynonymSet) -> str:
        return str(obj)
