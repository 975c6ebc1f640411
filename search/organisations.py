"""Organisations as a searchable type (``search.registry``).

The declaration sits in the search app, not in ``directory/search.py``: directory is
below search in the layers and may not import it, and the organisation documents are
built by the search itself (``search.documents``) for its specialised engine path (a
million profiles, cells for the map, vectors). The declaration names the group on the
search page and in ``/api/v1/search/all``; indexing, the drift check and queries of
organisations stay in ``search.services`` and ``search.consistency``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from directory.models import Organisation

from .registry import ContentDocument, DocumentType, Facet


class OrganisationType(DocumentType):
    name = "organisation"
    label = _("Organisations")
    order = 0
    specialised = True
    facets = (
        Facet("kind", _("Kind")),
        Facet("wz", _("Sector")),
        Facet("district", _("District")),
        Facet("growth", _("Growth field")),
        Facet("network", _("Network")),
        Facet("size", _("Size")),
        Facet("cert", _("Certification")),
    )

    def indexable_ids(self) -> Iterable[int]:
        return Organisation.objects.published().values_list("pk", flat=True)

    def documents(self, ids: Sequence[int]) -> list[ContentDocument]:
        # Organisation documents are SearchDocuments built by search.documents.
        return []

    def load(self, ids: Sequence[int], user: Any = None) -> dict[int, Any]:
        return Organisation.objects.published().in_bulk(list(ids))

    def url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())


ORGANISATIONS = OrganisationType()
