"""Network managers and staff maintain the network's working groups, projects, partner
clusters and roadmap milestones (docs/networks.md, "For network managers").

One set of views serves the three kinds of record; each kind is a ``Part``: its model,
its form and the words its pages use. Who may edit is asked of ``accounts.permissions``
(the network's EDIT right); every save and delete lands in the record's history with
the user who made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import models, transaction
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Action, can
from directory.choices import NETWORK_KINDS
from directory.models import Organisation

from .forms import NetworkProjectForm, PartnerClusterForm, RoadmapItemForm, WorkingGroupForm
from .models import NetworkProject, PartnerCluster, RoadmapItem, WorkingGroup


@dataclass(frozen=True)
class Part:
    slug: str  # the part of the address: /netzwerke/<network>/<slug>/…
    model: type[models.Model]
    form: type[ModelForm[Any]]
    anchor: str  # the section of the network page that lists them
    add_title: Promise
    edit_title: Promise
    delete_question: Promise


PARTS = {
    part.slug: part
    for part in (
        Part(
            "arbeitsgruppen",
            WorkingGroup,
            WorkingGroupForm,
            "working-groups",
            gettext_lazy("Add a working group"),
            gettext_lazy("Edit the working group"),
            gettext_lazy("Delete the working group “%(name)s”?"),
        ),
        Part(
            "projekte",
            NetworkProject,
            NetworkProjectForm,
            "projects",
            gettext_lazy("Add a project"),
            gettext_lazy("Edit the project"),
            gettext_lazy("Delete the project “%(name)s”?"),
        ),
        Part(
            "partner",
            PartnerCluster,
            PartnerClusterForm,
            "partner-clusters",
            gettext_lazy("Add a partner cluster"),
            gettext_lazy("Edit the partner cluster"),
            gettext_lazy("Delete the cooperation with “%(name)s”?"),
        ),
        Part(
            "roadmap",
            RoadmapItem,
            RoadmapItemForm,
            "roadmap",
            gettext_lazy("Add a roadmap milestone"),
            gettext_lazy("Edit the roadmap milestone"),
            gettext_lazy("Delete the milestone “%(name)s”?"),
        ),
    )
}


def _allowed(
    request: HttpRequest, slug: str, part_slug: str
) -> tuple[Organisation, Part] | HttpResponse:
    part = PARTS.get(part_slug)
    network = Organisation.objects.filter(slug=slug, kind__in=NETWORK_KINDS).first()
    if part is None or network is None or not can(request.user, Action.EDIT, network):
        if part is not None and network is not None and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404(_("No network you may change is published under this address."))
    return network, part


def _record(part: Part, network: Organisation, pk: int) -> Any:
    # Only the network's own records: a partner's record of the same cooperation is theirs.
    record = part.model._default_manager.filter(network=network, pk=pk).first()
    if record is None:
        raise Http404(_("This network has no such entry."))
    return record


def record_edit(request: HttpRequest, slug: str, part: str, pk: int | None = None) -> HttpResponse:
    found = _allowed(request, slug, part)
    if isinstance(found, HttpResponse):
        return found
    network, chosen = found
    record = _record(chosen, network, pk) if pk is not None else None
    form = chosen.form(
        request.POST or None,
        instance=record,
        network=network,  # type: ignore[call-arg]
    )
    if request.method == "POST" and form.is_valid():
        if record is not None and not form.has_changed():
            messages.info(request, _("Nothing was changed."))
        else:
            with transaction.atomic():
                form.save()
            messages.success(request, _("Your changes are saved."))
        return redirect(f"{network.get_absolute_url()}#{chosen.anchor}")
    title = chosen.edit_title if record is not None else chosen.add_title
    context = {"network": network, "form": form, "part": chosen, "record": record, "title": title}
    return render(request, "networks/record_edit.html", context)


def record_delete(request: HttpRequest, slug: str, part: str, pk: int) -> HttpResponse:
    found = _allowed(request, slug, part)
    if isinstance(found, HttpResponse):
        return found
    network, chosen = found
    record = _record(chosen, network, pk)
    if request.method == "POST":
        with transaction.atomic():
            record.delete()
        messages.success(request, _("The entry is deleted."))
        return redirect(f"{network.get_absolute_url()}#{chosen.anchor}")
    name = getattr(record, "name", None) or str(record)
    context = {
        "network": network,
        "part": chosen,
        "record": record,
        "question": chosen.delete_question % {"name": name},
    }
    return render(request, "networks/record_delete.html", context)


def network_history(request: HttpRequest, slug: str) -> HttpResponse:
    """What changed on the network's records, for its managers and staff."""
    from .history import network_changes

    network = Organisation.objects.filter(slug=slug, kind__in=NETWORK_KINDS).first()
    if network is None or not can(request.user, Action.EDIT, network):
        if network is not None and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404(_("No network you may change is published under this address."))
    changes = network_changes(network, request.user)
    return render(request, "networks/history.html", {"network": network, "changes": changes})
