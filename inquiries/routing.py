"""Which expert or team an inquiry goes to.

Every active rule whose conditions all hold is a candidate (a rule's condition left
empty holds for everything; a WZ prefix holds for every code that starts with it).
Among the candidates the winner is, in this order:

1. the higher ``priority``;
2. with equal priority, the rule with more conditions (the more specific one);
3. then the longer WZ prefix (28.4 before 28);
4. then the older rule (lower id).

With no candidate the active fallback rule decides; without one the inquiry stays
unassigned (status "new") and shows in the inbox for the administrators.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Expert, Inquiry, RoutingRule, Team


@dataclass(frozen=True)
class Route:
    expert: Expert | None
    team: Team | None
    rule: RoutingRule | None


def _holds(rule: RoutingRule, inquiry: Inquiry) -> bool:
    if rule.topic_id and rule.topic_id != inquiry.topic_id:
        return False
    if rule.growth_field_id and rule.growth_field_id != inquiry.growth_field_id:
        return False
    if rule.district_id and rule.district_id != inquiry.district_id:
        return False
    if rule.wz_prefix:
        code = inquiry.wz_code.code if inquiry.wz_code_id and inquiry.wz_code else ""
        if not code.startswith(rule.wz_prefix.strip()):
            return False
    return True


def route(inquiry: Inquiry) -> Route:
    rules = list(
        RoutingRule.objects.filter(active=True).select_related("expert", "team", "team__lead")
    )
    candidates = [r for r in rules if not r.fallback and r.condition_count and _holds(r, inquiry)]
    best: RoutingRule | None
    if candidates:
        best = min(
            candidates,
            key=lambda r: (-r.priority, -r.condition_count, -len(r.wz_prefix.strip()), r.pk),
        )
    else:
        best = next((r for r in rules if r.fallback), None)
    if best is None:
        return Route(None, None, None)
    team = best.team or (best.expert.team if best.expert else None)
    return Route(best.expert, team, best)
