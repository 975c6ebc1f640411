"""The curated vocabularies shipped in classification/data/vocabularies.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classification import services
from classification.models import CertificationStandard, GrowthField, Technology

pytestmark = pytest.mark.django_db

RIS3_FIELDS = [
    "Industrielle Produktion und Systeme",
    "Nachhaltige und intelligente Mobilität und Logistik",
    "Gesundes Leben und Gesundheitswirtschaft",
    "Nachhaltige Energie und Ressourcenverwendung",
    "IKT, innovative und produktionsnahe Dienstleistungen",
]


def _shipped() -> dict:
    return json.loads(services.DEFAULT_VOCABULARIES_PATH.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "vocabularies.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_fresh_load_creates_everything_in_the_file():
    Technology.objects.filter(parent__isnull=False).delete()
    Technology.objects.all().delete()
    GrowthField.objects.all().delete()
    CertificationStandard.objects.all().delete()

    stats = services.load_vocabularies()

    data = _shipped()
    technologies = sum(1 + len(t.get("children", [])) for t in data["technologies"])
    assert stats.counts["technologies"].created == technologies == Technology.objects.count()
    assert stats.counts["growth_fields"].created == len(data["growth_fields"])
    assert stats.counts["certification_standards"].created == len(data["certification_standards"])
    assert stats.updated == 0


def test_ris3_growth_fields_have_english_names_and_descriptions():
    for name in RIS3_FIELDS:
        field = GrowthField.objects.get(name=name)
        assert field.name_en
        assert "RIS3" in field.description
    assert GrowthField.objects.get(slug="ernaehrungswirtschaft").name_en == "Food industry"


def test_technology_vocabulary_is_a_two_level_tree_of_80_to_150_entries():
    assert 80 <= Technology.objects.count() <= 150
    top = Technology.objects.filter(parent__isnull=True)
    assert 10 <= top.count() <= 30
    assert not Technology.objects.filter(parent__parent__isnull=False).exists()
    for technology in Technology.objects.all():
        assert technology.name_en, technology.name
        assert technology.synonyms.strip(), technology.name


def test_synonyms_connect_everyday_and_technical_terms():
    additive = Technology.objects.get(name="Additive Fertigung")
    assert "3D-Druck" in additive.synonyms.splitlines()
    assert additive.children.filter(name="Metall-3D-Druck").exists()
    assert "Spritzgießen" in Technology.objects.get(name="Spritzguss").synonyms.splitlines()
    laser = Technology.objects.get(name="Laserschweißen")
    assert laser.parent is not None and laser.parent.name == "Optik und Photonik"
    for name in [
        "Lasermaterialbearbeitung",
        "Optikdesign",
        "Mikrooptik",
        "CNC-Fräsen",
        "Drehen",
        "Blechbearbeitung",
        "Schweißen",
        "Photovoltaik",
        "Solarthermie",
        "Wasserstofftechnologie",
        "Smart Textiles",
        "Werkstoffprüfung",
    ]:
        assert Technology.objects.filter(name=name).exists(), name


def test_slugs_spell_out_german_letters():
    assert Technology.objects.get(name="Schweißen").slug == "schweissen"
    assert Technology.objects.get(name="Werkstoffprüfung").slug == "werkstoffpruefung"
    assert services.vocabulary_slug("ISO/IEC 27001") == "isoiec-27001"


def test_certification_standards_include_the_common_ones():
    names = set(CertificationStandard.objects.values_list("name", flat=True))
    assert {
        "ISO 9001",
        "ISO 14001",
        "ISO 45001",
        "ISO 50001",
        "ISO 13485",
        "IATF 16949",
        "EN 9100",
        "ISO/IEC 27001",
        "DIN EN ISO 3834",
        "EMAS",
    } <= names
    assert "Qualitätsmanagement" in CertificationStandard.objects.get(name="ISO 9001").description


def test_second_load_changes_nothing():
    before = list(Technology.objects.values_list("pk", "name", "slug", "parent_id", "synonyms"))

    stats = services.load_vocabularies()

    assert (stats.created, stats.updated) == (0, 0)
    assert stats.unchanged == len(before) + GrowthField.objects.count() + (
        CertificationStandard.objects.count()
    )
    assert list(Technology.objects.values_list("pk", "name", "slug", "parent_id", "synonyms")) == (
        before
    )


def test_edited_entry_is_updated_in_place_and_staff_entries_are_kept(tmp_path: Path):
    own = GrowthField.objects.create(name="Kreativwirtschaft", slug="kreativwirtschaft")
    pk = Technology.objects.get(name="Spritzguss").pk
    data = _shipped()
    plastics = next(t for t in data["technologies"] if t["name"] == "Kunststofftechnik")
    moulding = next(c for c in plastics["children"] if c["name"] == "Spritzguss")
    moulding["synonyms"].append("Mikrospritzguss")

    stats = services.load_vocabularies(_write(tmp_path, data))

    assert stats.counts["technologies"].updated == 1
    assert stats.created == 0
    assert stats.counts["growth_fields"].not_in_file == 1
    moulding_row = Technology.objects.get(pk=pk)
    assert moulding_row.synonyms.splitlines()[-1] == "Mikrospritzguss"
    assert GrowthField.objects.filter(pk=own.pk).exists()


def test_moving_a_technology_to_another_parent(tmp_path: Path):
    data = _shipped()
    optics = next(t for t in data["technologies"] if t["name"] == "Optik und Photonik")
    metal = next(t for t in data["technologies"] if t["name"] == "Metallbearbeitung")
    laser = next(c for c in optics["children"] if c["name"] == "Laserschweißen")
    optics["children"].remove(laser)
    metal["children"].append(laser)

    services.load_vocabularies(_write(tmp_path, data))

    parent = Technology.objects.get(name="Laserschweißen").parent
    assert parent is not None
    assert parent.name == "Metallbearbeitung"


def test_duplicate_names_are_rejected_before_anything_is_written(tmp_path: Path):
    data = _shipped()
    data["growth_fields"][0]["description"] = "GEÄNDERT"
    data["technologies"][0]["children"].append({"name": "Spritzguss", "name_en": "x"})
    path = _write(tmp_path, data)
    before = GrowthField.objects.get(name=RIS3_FIELDS[0]).description

    with pytest.raises(services.ReferenceDataError) as error:
        services.load_vocabularies(path)

    assert str(path) in str(error.value)
    assert "Spritzguss" in str(error.value)
    assert GrowthField.objects.get(name=RIS3_FIELDS[0]).description == before


def test_broken_json_names_the_file(tmp_path: Path):
    path = tmp_path / "vocabularies.json"
    path.write_text('{"technologies": [', encoding="utf-8")
    with pytest.raises(services.ReferenceDataError, match=str(path).replace(".", r"\.")):
        services.load_vocabularies(path)
