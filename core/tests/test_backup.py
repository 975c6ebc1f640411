"""Backup and restore on the portal's own database (SQLite or PostgreSQL, whichever the
suite runs on): data written, backed up, changed, restored, found again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import FileField

from core.backup import BackupError, create_backup, last_backup, manifest
from core.backup import files as backup_files
from core.storage import SettingDirStorage
from core.testing import TRANSACTIONAL_APPS
from directory.models import Organisation
from directory.tests.factories import OrganisationFactory
from search import services
from search.management.commands import check_search_index, rebuild_search_index
from search.query import SearchQuery
from search.services import search_ids

# A backup reads the database through its own connection, which must not be inside the
# test's transaction (SQLite's backup API cannot copy a database while it is written).
transactional = pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)
FOLDERS = ("INQUIRY_ATTACHMENT_DIR", "NETWORK_DOCUMENT_DIR", "EVENT_DOCUMENT_DIR", "NEWS_IMAGE_DIR")


@pytest.fixture
def portal_dirs(settings, tmp_path: Path) -> Path:
    """Upload folders, the search index and the backups in a temporary folder."""
    for name in FOLDERS:
        setattr(settings, name, tmp_path / name.lower())
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEEP = 7
    return tmp_path


def _backup() -> Path:
    out = StringIO()
    call_command("backup", "--no-progress", stdout=out)
    assert "Sicherung geschrieben nach" in out.getvalue()
    info = last_backup()
    assert info is not None and info.ok
    return info.path


@contextmanager
def _every_app() -> Iterator[None]:
    """A restore works on the whole portal (migrate, the search's rebuild): lift the
    test's narrowing to ``TRANSACTIONAL_APPS`` while it runs."""
    apps.unset_available_apps()
    try:
        yield
    finally:
        apps.set_available_apps(TRANSACTIONAL_APPS)


def _found(text: str) -> list[int]:
    """The organisations the search finds for ``text``."""
    return search_ids(SearchQuery(text=text), limit=10)


@pytest.fixture(params=["tantivy", "postgres"])
def search_engine(request, settings, portal_dirs: Path) -> Iterator[str]:
    """Each search engine; PostgreSQL's (its index in tables that the dump holds) only
    where the database is PostgreSQL. Its tables are not flushed after the test: emptied
    here."""
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine needs DATABASE_URL to point at PostgreSQL")
    settings.SEARCH_ENGINE = request.param
    yield request.param
    with _every_app():
        services.engine().clear()


@transactional
def test_restore_brings_back_data_files_index_and_vectors(
    portal_dirs: Path, search_engine: str
) -> None:
    kept: Organisation = OrganisationFactory(name="Zahnradmanufaktur Ilmenau GmbH")  # type: ignore[assignment]
    deleted: Organisation = OrganisationFactory(name="Kältetechnik Suhl GmbH")  # type: ignore[assignment]
    with _every_app():
        call_command(rebuild_search_index.Command(), "--no-progress", stdout=StringIO())
    image = Path(portal_dirs / "news_image_dir" / "2026" / "bild.png")
    image.parent.mkdir(parents=True)
    image.write_bytes(b"\x89PNG original")
    path = _backup()

    data = json.loads((path / "manifest.json").read_text())
    assert data["database"]["vendor"] == connection.vendor
    assert data["summary"]["organisations"] == 2
    assert data["file_dirs"]["NEWS_IMAGE_DIR"]["files"] == 1
    assert data["portal_version"]
    assert data["search_engine"] == search_engine

    kept.name = "Umbenannt AG"
    kept.save()
    deleted_pk = deleted.pk
    deleted.delete()
    image.unlink()
    (image.parent / "neu.png").write_bytes(b"later upload")
    assert _found("Umbenannt") == [kept.pk]
    assert not _found("Zahnradmanufaktur")

    # A database that holds data is not replaced without --yes.
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path), "--no-progress", stdout=StringIO())
    assert Organisation.objects.get(pk=kept.pk).name == "Umbenannt AG"

    out = StringIO()
    with _every_app():
        call_command("restore", str(path), "--yes", "--no-progress", stdout=out)
    assert "Suchindex und Vektoren stimmen mit den Daten überein" in out.getvalue()

    assert Organisation.objects.get(pk=kept.pk).name == "Zahnradmanufaktur Ilmenau GmbH"
    assert Organisation.objects.filter(pk=deleted_pk).exists()
    assert image.read_bytes() == b"\x89PNG original"
    assert not (image.parent / "neu.png").exists()
    assert _found("Zahnradmanufaktur") == [kept.pk]
    assert _found("Kältetechnik") == [deleted_pk]
    assert not _found("Umbenannt")
    # The drift check (index and vectors against the data) passes on its own too.
    check = StringIO()
    with _every_app():
        call_command(check_search_index.Command(), "--no-progress", stdout=check)
    assert "Der Suchindex stimmt mit der Datenbank überein." in check.getvalue()
    assert "Fehlende Vektoren (veröffentlicht, ohne Vektor): 0" in check.getvalue()


@transactional
def test_a_damaged_backup_is_refused_and_nothing_changes(portal_dirs: Path) -> None:
    org: Organisation = OrganisationFactory(name="Feinoptik Jena GmbH")  # type: ignore[assignment]
    document = portal_dirs / "event_document_dir" / "folien.pdf"
    document.parent.mkdir()
    document.write_bytes(b"%PDF first")
    path = create_backup().path
    org.name = "Später geändert"
    org.save()
    document.write_bytes(b"%PDF second")
    db_file = path / manifest.read(path)["database"]["file"]
    content = bytearray(db_file.read_bytes())
    content[len(content) // 2] ^= 0xFF
    db_file.write_bytes(bytes(content))

    with pytest.raises(CommandError, match="passt nicht zu ihrer Prüfsumme"):
        call_command("restore", str(path), "--yes", "--no-progress", stdout=StringIO())
    assert Organisation.objects.get(pk=org.pk).name == "Später geändert"
    assert document.read_bytes() == b"%PDF second"


@transactional
def test_a_database_without_users_or_organisations_is_restored_without_asking(
    portal_dirs: Path, django_user_model
) -> None:
    """A new installation (tables made, nothing entered yet) needs no --yes."""
    org: Organisation = OrganisationFactory(name="Glaswerk Ilmenau GmbH")  # type: ignore[assignment]
    django_user_model.objects.create_user("redaktion", "redaktion@example.org", "x" * 16)
    path = create_backup().path
    Organisation.objects.all().delete()
    django_user_model.objects.all().delete()

    out = StringIO()
    with _every_app():
        call_command("restore", str(path), "--no-progress", stdout=out)
    assert Organisation.objects.get(pk=org.pk).name == "Glaswerk Ilmenau GmbH"
    assert django_user_model.objects.filter(username="redaktion").exists()
    assert "1 Organisationen, 1 Benutzer" in out.getvalue()


@transactional
def test_a_folder_that_is_no_backup_and_an_edited_manifest_are_refused(
    portal_dirs: Path, tmp_path: Path
) -> None:
    stranger = tmp_path / "holiday-photos"
    stranger.mkdir()
    with pytest.raises(CommandError, match=r"Es fehlt die manifest\.json"):
        call_command("restore", str(stranger), "--yes", stdout=StringIO())

    path = create_backup().path
    data = json.loads((path / "manifest.json").read_text())
    data["summary"]["organisations"] = 99
    (path / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(CommandError, match=r"Manifest .* passt nicht zu seiner Prüfsumme"):
        call_command("restore", str(path / "manifest.json"), "--yes", stdout=StringIO())


def _rewrite(path: Path, **changes: object) -> None:
    data = manifest.read(path)
    data.update(changes)
    data.pop("manifest_sha256")
    manifest.write(path, data)


@transactional
def test_a_backup_of_another_database_kind_or_a_newer_version_is_refused(
    portal_dirs: Path,
) -> None:
    path = create_backup().path
    data = manifest.read(path)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    _rewrite(path, database={**data["database"], "vendor": other})
    with pytest.raises(CommandError, match="dieselbe Art von Datenbank"):
        call_command("restore", str(path), "--yes", stdout=StringIO())

    _rewrite(
        path,
        database=data["database"],
        migrations=[*data["migrations"], "directory.9999_from_the_future"],
    )
    with pytest.raises(CommandError, match=r"neueren Version .*9999_from_the_future"):
        call_command("restore", str(path), "--yes", stdout=StringIO())


@transactional
def test_a_failed_backup_leaves_nothing_and_is_reported(portal_dirs: Path, monkeypatch) -> None:
    from core.backup import database

    good = create_backup().path

    def broken(target: Path, progress: object) -> None:
        target.write_bytes(b"half a dump")
        raise BackupError("pg_dump failed (exit status 1): disk full")

    monkeypatch.setattr(database, "dump", broken)
    with pytest.raises(CommandError, match="disk full"):
        call_command("backup", "--no-progress", stdout=StringIO())

    assert [p.name for p in (portal_dirs / "backups").iterdir() if p.is_dir()] == [good.name]
    info = last_backup()
    assert info is not None and not info.ok and "disk full" in info.error
    monkeypatch.undo()
    create_backup()
    info = last_backup()
    assert info is not None and info.ok


@transactional
def test_without_pg_dump_the_backup_says_so(portal_dirs: Path, monkeypatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump serves PostgreSQL only")
    monkeypatch.setenv("PATH", str(portal_dirs / "empty"))
    with pytest.raises(CommandError, match="pg_dump wurde nicht gefunden"):
        call_command("backup", "--no-progress", stdout=StringIO())
    assert not any((portal_dirs / "backups").glob("clusterportal-*"))


@transactional
def test_only_the_newest_backups_are_kept(portal_dirs: Path) -> None:
    made = [create_backup(keep=0).path for _ in range(3)]
    out = StringIO()
    call_command("backup", "--keep", "2", "--no-progress", stdout=out)
    left = sorted(p.name for p in (portal_dirs / "backups").glob("clusterportal-*"))
    assert made[0].name not in left and made[1].name not in left
    assert made[2].name in left and len(left) == 2
    assert str(made[0]) in out.getvalue()


def test_last_backup_is_none_before_the_first(portal_dirs: Path) -> None:
    assert last_backup() is None


def test_every_upload_folder_is_backed_up() -> None:
    """A file field that stores into a folder named by a setting must have that setting
    among the backed-up folders, or its files would be lost by a restore."""
    stored = {
        field.storage.setting
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField) and isinstance(field.storage, SettingDirStorage)
    }
    assert stored, "no upload folders found: the test no longer sees the file fields"
    assert stored <= set(backup_files.FILE_DIR_SETTINGS)


@transactional
def test_a_backup_of_an_older_version_is_migrated_after_the_restore(portal_dirs: Path) -> None:
    """The backup lacks a table that the current code has (core's text vector cache,
    its first migration undone before the backup): the restore leaves no stale copy of
    it and ``migrate`` creates it anew."""
    from django.db.migrations.recorder import MigrationRecorder

    from core.models import TextVector

    org: Organisation = OrganisationFactory(name="Sensorik Erfurt GmbH")  # type: ignore[assignment]
    with _every_app():
        call_command("migrate", "core", "zero", verbosity=0)
    path = create_backup().path
    assert "core.0001_text_vector" not in manifest.read(path)["migrations"]
    with _every_app():
        call_command("migrate", verbosity=0)
    TextVector.objects.create(key="written-after-the-backup", vector=b"\x00")

    with _every_app():
        call_command("restore", str(path), "--yes", "--no-progress", stdout=StringIO())

    applied = MigrationRecorder(connection).applied_migrations()
    assert ("core", "0001_text_vector") in applied
    assert not TextVector.objects.filter(key="written-after-the-backup").exists()
    assert Organisation.objects.get(pk=org.pk).name == "Sensorik Erfurt GmbH"
    assert search_ids(SearchQuery(text="Sensorik"), limit=10) == [org.pk]
