"""Generated profiles say one coherent thing: one specialty, words of their own codes only.

A reviewer reading generated profiles found protective-equipment makers listing
taxidermy and umbrellas, truck repairers offering a paint shop their code leaves out,
turning shops named "Photosystems", car workshops named "Vertrieb" and universities
coded as drama schools run by a company. Each test below catches one such class.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from directory import demo
from directory.choices import OrganisationKind, Source
from directory.demo.common import fold_text, stems
from directory.demo.lookups import _Code, _wz_codes
from directory.demo.planning import ALL_PROFILES, profiles_of, themes_of, trades
from directory.demo.texts import FOCUS_HEADS
from directory.demo_data import words
from directory.models import Organisation

pytestmark = pytest.mark.django_db

# Paragraphs of a description that speak of other codes on purpose, saying so.
ASIDES = ("Daneben auch:", "In der Krise", "Unsere Produktion können wir", "Zertifiziert nach")
# The words of the sentences every description is written in.
BOILERPLATE = stems(
    " ".join(FOCUS_HEADS)
    + " spezialisiert Außerdem Angebot Kunden schätzen gehören Bereich arbeitet bieten"
)


@pytest.fixture
def companies() -> list[Organisation]:
    demo.generate(count=demo.DEFAULT_COUNT, seed=demo.DEFAULT_SEED, include_reference=False)
    return list(
        Organisation.objects.filter(source=Source.GENERATED, kind=OrganisationKind.COMPANY)
        .select_related("primary_wz")
        .prefetch_related("offerings", "secondary_wz", "sites")
        .order_by("pk")
    )


def own_texts(org: Organisation) -> list[str]:
    """Name, short description, offerings and the description's own paragraphs."""
    paragraphs = [p for p in org.description.split("\n\n") if not p.startswith(ASIDES)]
    return [
        org.name,
        org.short_description,
        *paragraphs,
        *(o.name for o in org.offerings.all()),
    ]


def own_vocabulary(code: _Code) -> str:
    """The trade words written for this very subclass (or its class, if it has no other)."""
    known = trades()
    keys = [code.code] + ([code.code[:5]] if code.single else [])
    return fold_text(
        " ".join(w for k in keys for e in known.get(k, ()) for w in (*e.names, *e.terms))
    )


def test_no_text_names_what_its_code_leaves_out(companies) -> None:
    codes = _wz_codes()
    # The title's "(ohne Lackierung und Autowäsche)" counts as left out.
    assert {"lackie", "autowa"} <= codes["45.20.4"].excluded
    # Family names and places a name is made of ("Leuchtenburg Möbelwerkstätten").
    people = stems(" ".join((*words("surnames"), *words("landscapes"), *words("town_adjectives"))))
    wrong = []
    for org in companies:
        assert org.primary_wz is not None
        code = codes[org.primary_wz.code]
        others = " ".join(codes[c.code].own_text for c in org.secondary_wz.all())
        allowed = f"{others} {own_vocabulary(code)}"
        town = stems(" ".join(site.place for site in org.sites.all()))
        for text in own_texts(org):
            said = stems(text) - BOILERPLATE - town - people
            hits = [h for h in code.excluded & said if h not in allowed]
            if hits:
                wrong.append((code.code, org.name, hits, text[:80]))
    assert not wrong, wrong[:10]


def _name_words() -> dict[str, set[str]]:
    """Each trade name with the code prefixes it is written for."""
    allowed: dict[str, set[str]] = defaultdict(set)
    for key, entries in trades().items():
        for entry in entries:
            for name in entry.names:
                allowed[name].add(key)
    for profile in ALL_PROFILES:
        for written in profile.words:
            word, _sep, prefixes = written.partition("=")
            allowed[word].update(p for p in prefixes.split(",") if p)
            if not prefixes:
                allowed[word].update(profile.wz)
    return allowed


def _tagged(name: str) -> dict[str, tuple[str, ...]]:
    tagged = {}
    for line in words(name):
        word, _sep, prefixes = line.partition("|")
        tagged[word.strip()] = tuple(p.strip() for p in prefixes.split(",") if p.strip())
    return tagged


def test_names_are_made_of_words_of_their_trade(companies) -> None:
    allowed = _name_words()
    stems_ = _tagged("brand_stems")
    suffixes = _tagged("brand_suffixes")
    wrong = []
    for org in companies:
        assert org.primary_wz is not None
        code = org.primary_wz.code
        # Words of the code's sector profile written for any of its codes.
        loose = {w for p in profiles_of(code) for w in p.words if "=" not in w}
        name = org.name
        for word, prefixes in allowed.items():
            if " " in word and word in name and any(code.startswith(p) for p in prefixes):
                name = name.replace(word, "")
        for token in name.split():
            prefixes = allowed.get(token, set())
            if prefixes and token not in loose and not any(code.startswith(p) for p in prefixes):
                wrong.append((code, org.name, token))
            for stem, fits in stems_.items():
                ending = token[len(stem) :]
                if token.startswith(stem) and ending in suffixes:
                    if fits and not code.startswith(fits):
                        wrong.append((code, org.name, stem))
                    if suffixes[ending] and not code.startswith(suffixes[ending]):
                        wrong.append((code, org.name, ending))
    assert not wrong, wrong[:10]


def test_higher_education_codes_belong_to_universities_with_research() -> None:
    demo.generate(count=demo.DEFAULT_COUNT, seed=demo.DEFAULT_SEED, include_reference=False)
    generated = Organisation.objects.filter(source=Source.GENERATED)
    tertiary = generated.filter(primary_wz__code__startswith="85.42")
    assert tertiary.exists()
    for org in tertiary:
        assert org.kind in (OrganisationKind.UNIVERSITY, OrganisationKind.RESEARCH_INSTITUTE), (
            org.name,
            org.kind,
        )
        assert "Forschungsfelder" in org.description, org.name
        assert "darstellender Kunst" not in org.description, org.name
    for org in generated.filter(kind=OrganisationKind.UNIVERSITY).select_related("primary_wz"):
        assert org.primary_wz is not None and org.primary_wz.code.startswith("85.42"), org.name


def test_offerings_of_an_organisation_come_from_one_specialty(companies) -> None:
    codes = _wz_codes()
    mixed = []
    for org in companies:
        assert org.primary_wz is not None
        code = codes[org.primary_wz.code]
        offered = {o.name for o in org.offerings.all()}
        themes = themes_of(code)
        if not any(offered <= {*t.terms, *t.bullets, code.title} for t in themes):
            mixed.append((code.code, org.name, sorted(offered)))
    assert not mixed, mixed[:10]
    # The catch-all 32.99.0: a maker of protective equipment lists no umbrellas or candles.
    protective = [
        org
        for org in companies
        if org.primary_wz is not None
        and org.primary_wz.code == "32.99.0"
        and any("schutz" in fold_text(o.name) for o in org.offerings.all())
    ]
    assert len(protective) >= 3
    for org in protective:
        text = fold_text(" ".join(own_texts(org)))
        for other in ("schirm", "kerze", "fullhalter", "globen", "blumen", "tierprap", "diamant"):
            assert other not in text, (org.name, other)


def test_every_generated_subclass_names_what_its_notes_list(companies) -> None:
    """For each subclass, some organisation's texts name a word of its title or notes."""
    codes = _wz_codes()
    by_code: dict[str, list[Organisation]] = defaultdict(list)
    for org in companies:
        assert org.primary_wz is not None
        by_code[org.primary_wz.code].append(org)
    silent = []
    for key, orgs in by_code.items():
        code = codes[key]
        heads = stems(" ".join((code.title, *code.bullets)))
        if not heads:
            continue  # "Herstellung von Malz": no word long enough to tell
        said = fold_text(" ".join(t for org in orgs for t in own_texts(org)))
        if not any(h in said for h in heads):
            silent.append((key, [o.name for o in orgs]))
    assert not silent, silent[:10]
    # 27.90.0's notes list cable assemblies: its makers say so.
    makers = by_code["27.90.0"]
    assert any("kabel" in fold_text(" ".join(own_texts(org))) for org in makers), [
        o.name for o in makers
    ]
