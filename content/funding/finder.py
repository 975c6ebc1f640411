"""The funding finder: which programmes fit what a visitor told about themselves, why
each fits, and what excludes the others.

``find(answers)`` weighs every published programme against the answers, one rule per
question (``_RULES``). A rule either excludes the programme (with what excludes it: "only
for research institutions", "only in Saxony", "deadline passed") or adds reasons it fits
("for small enterprises", "topic digitalisation", "deadline 31.03.2027") with a weight.
Questions left unanswered exclude nothing. Fitting programmes are ranked by their weight,
then by the nearest deadline, then by name.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from classification.models import GrowthField
from geo.models import District, State

from .choices import SIZE_NAMES, SIZE_PHRASES, CompanySize, Level, TargetGroup, Topic
from .models import Call, Programme
from .services import Deadline, deadline_of

# Who may use what is meant for whom: a start-up is a young company too.
ALSO_COUNTS_AS = {TargetGroup.STARTUP: {TargetGroup.COMPANY}}
# Sizes matter for those who run a company.
SIZED = {TargetGroup.COMPANY, TargetGroup.STARTUP}


@dataclass
class Answers:
    """What the visitor told, validated (``forms.FinderForm.answers()``)."""

    who: str
    size: str = ""
    postal_code: str = ""
    state: State | None = None
    district: District | None = None
    topics: list[str] = field(default_factory=list)
    growth_field: GrowthField | None = None
    amount: int | None = None


@dataclass
class Verdict:
    programme: Programme
    deadline: Deadline
    reasons: list[str] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)
    weight: int = 0

    @property
    def fits(self) -> bool:
        return not self.exclusions


@dataclass
class FinderResult:
    fitting: list[Verdict]
    excluded: list[Verdict]


def _date(day: datetime.date) -> str:
    return str(formats.date_format(day, "SHORT_DATE_FORMAT"))


def _euro(amount: int) -> str:
    return f"{formats.number_format(amount, 0, force_grouping=True)} €"


def _labels(values: list[str], choices: Any) -> str:
    return ", ".join(str(choices(v).label) for v in values if v in choices.values)


Rule = Callable[[Verdict, Answers, datetime.date], None]


def _who(verdict: Verdict, answers: Answers, today: datetime.date) -> None:
    groups = set(verdict.programme.target_groups)
    mine = {answers.who} | ALSO_COUNTS_AS.get(TargetGroup(answers.who), set())
    matched = [g for g in verdict.programme.target_groups if g in mine]
    if not matched:
        verdict.exclusions.append(
            _("only for {groups}").format(
                groups=_labels(verdict.programme.target_groups, TargetGroup)
            )
        )
        return
    shown = answers.who if answers.who in groups else matched[0]
    verdict.reasons.append(_("for {group}").format(group=TargetGroup(shown).label))
    verdict.weight += 2 if answers.who in groups else 1


def _size(verdict: Verdict, answers: Answers, today: datetime.date) -> None:
    sizes = verdict.programme.company_sizes
    if not answers.size or answers.who not in SIZED or not sizes:
        return
    if answers.size in sizes:
        verdict.reasons.append(str(SIZE_PHRASES[CompanySize(answers.size)]))
        verdict.weight += 1
    else:
        verdict.exclusions.append(
            _("only for {sizes}").format(
                sizes=", ".join(
                    str(SIZE_NAMES[CompanySize(v)]) for v in sizes if v in CompanySize.values
                )
            )
        )


def _region(verdict: Verdict, answers: Answers, today: datetime.date) -> None:
    programme = verdict.programme
    if programme.level == Level.STATE and programme.state is not None:
        if answers.state is None:
            verdict.reasons.append(
                _("only in {state} (no postal code given)").format(state=programme.state.name)
            )
        elif answers.state.pk != programme.state_id:
            verdict.exclusions.append(_("only in {state}").format(state=programme.state.name))
            return
        else:
            verdict.reasons.append(_("in {state}").format(state=programme.state.name))
            verdict.weight += 1
    districts = list(programme.districts.all())
    if not districts:
        return
    names = ", ".join(d.name for d in districts)
    if answers.district is None:
        if answers.state is not None:
            verdict.exclusions.append(_("only in {districts}").format(districts=names))
        else:
            verdict.reasons.append(
                _("only in {districts} (no postal code given)").format(districts=names)
            )
    elif answers.district.pk in {d.pk for d in districts}:
        verdict.reasons.append(_("in {district}").format(district=answers.district.name))
        verdict.weight += 2
    else:
        verdict.exclusions.append(_("only in {districts}").format(districts=names))


def _topics(verdict: Verdict, answers: Answers, today: datetime.date) -> None:
    if not answers.topics:
        return
    shared = [t for t in verdict.programme.topics if t in answers.topics]
    if not shared:
        verdict.exclusions.append(
            _("other topics: {topics}").format(topics=_labels(verdict.programme.topics, Topic))
        )
        return
    for topic in shared:
        verdict.reasons.append(_("topic {topic}").format(topic=Topic(topic).label))
    verdict.weight += 3 * len(shared)


def _growth_field(verdict: Verdict, answers: Answers, today: datetime.date) -> None:
    fields = list(verdict.programme.growth_fields.all())
    if answers.growth_field is None or not fields:
        return
    if any(f.pk == answers.growth_field.pk for f in fields):
        verdict.reasons.append(_("growth field {field}").format(field=answers.growth_field.name))
        verdict.weight += 2
    else:
        verdict.exclusions.append(
            _("only for the growth fields {fields}").format(
                fields=", ".join(f.name for f in fields),
            )
        )


def _amount(verdict: Verdict, answers: Answers, today: datetime.date) -> None:
    most = verdict.programme.max_amount
    if answers.amount is None or most is None:
        return
    if most >= answers.amount:
        verdict.reasons.append(_("up to {amount}").format(amount=_euro(most)))
        verdict.weight += 1
    else:
        verdict.reasons.append(_("at most {amount}, less than planned").format(amount=_euro(most)))


def _deadline(verdict: Verdict, answers: Answers, today: datetime.date) -> None:
    deadline = verdict.deadline
    if verdict.programme.continuous:
        verdict.reasons.append(_("open continuously"))
        return
    if deadline.expired:
        last = deadline.calls[-1].closes
        verdict.exclusions.append(_("deadline passed ({date})").format(date=_date(last)))
        return
    if deadline.next_call is None:
        verdict.exclusions.append(_("no call open or announced"))
        return
    call = deadline.next_call
    if call.is_running(today):
        verdict.reasons.append(_("deadline {date}").format(date=_date(call.closes)))
    else:
        assert call.opens is not None
        verdict.reasons.append(
            _("next call from {opens}, deadline {closes}").format(
                opens=_date(call.opens),
                closes=_date(call.closes),
            )
        )


_RULES: tuple[Rule, ...] = (_who, _size, _region, _topics, _growth_field, _amount, _deadline)


def candidates() -> QuerySet[Programme]:
    """Every published programme with what the rules read, in a fixed number of queries."""
    return (
        Programme.objects.published()
        .select_related("state")
        .prefetch_related(
            Prefetch("calls", queryset=Call.objects.order_by("closes", "pk")),
            Prefetch("growth_fields", queryset=GrowthField.objects.only("pk", "name", "slug")),
            Prefetch("districts", queryset=District.objects.only("pk", "name")),
        )
    )


def judge(programme: Programme, answers: Answers, today: datetime.date) -> Verdict:
    verdict = Verdict(programme=programme, deadline=deadline_of(programme, today))
    for rule in _RULES:
        rule(verdict, answers, today)
    verdict.reasons = [str(reason) for reason in verdict.reasons]
    verdict.exclusions = [str(reason) for reason in verdict.exclusions]
    return verdict


def find(
    answers: Answers,
    programmes: QuerySet[Programme] | None = None,
    today: datetime.date | None = None,
) -> FinderResult:
    """Every programme of ``programmes`` (default: the published ones) judged against
    ``answers``: those that fit, best first, and those excluded, by name."""
    today = today or timezone.localdate()
    verdicts = [judge(p, answers, today) for p in (programmes or candidates())]
    far = datetime.date.max

    def rank(v: Verdict) -> tuple[int, datetime.date, str]:
        call = v.deadline.next_call
        return (-v.weight, call.closes if call else far, v.programme.name.casefold())

    fitting = sorted((v for v in verdicts if v.fits), key=rank)
    excluded = sorted((v for v in verdicts if not v.fits), key=lambda v: v.programme.name)
    return FinderResult(fitting=fitting, excluded=excluded)
