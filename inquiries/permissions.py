"""Who sees which inquiry (docs/inquiries.md, "Who sees what").

An inquiry carries personal data (name, email, phone, message, attachment). It is seen,
with everything in it, by

- the assigned expert (the staff account linked to the ``Expert`` record),
- the lead of the assigned team,
- the agency's administrators (``inquiries.view_inquiry``: the Administrator group).

Nobody else on the staff: other experts and editorial staff see neither the case nor
its attachment (the inbox does not list it, its page answers 404). The asker sees their
own case only through the private token: its status, their message and the replies.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.permissions import is_staff

from .models import Expert, Inquiry


def is_inquiry_admin(user: Any) -> bool:
    return is_staff(user) and bool(user.has_perm("inquiries.view_inquiry"))


def expert_of(user: Any) -> Expert | None:
    if not is_staff(user):
        return None
    return Expert.objects.filter(user=user, active=True).first()


def may_use_inbox(user: Any) -> bool:
    """The inbox is for staff who answer inquiries (an active expert) and administrators."""
    return is_inquiry_admin(user) or expert_of(user) is not None


def visible_inquiries(user: Any) -> QuerySet[Inquiry]:
    if is_inquiry_admin(user):
        return Inquiry.objects.all()
    expert = expert_of(user)
    if expert is None:
        return Inquiry.objects.none()
    return Inquiry.objects.filter(Q(expert=expert) | Q(team__lead=expert))


def may_see(user: Any, inquiry: Inquiry) -> bool:
    """May see the case with its personal data and attachment, and work it."""
    if is_inquiry_admin(user):
        return True
    expert = expert_of(user)
    if expert is None:
        return False
    return inquiry.expert_id == expert.pk or bool(
        inquiry.team_id and inquiry.team and inquiry.team.lead_id == expert.pk
    )
