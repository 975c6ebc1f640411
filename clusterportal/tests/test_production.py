"""The production set-up (docs/operations/production.md): the documented environment passes
Django's deploy checks, the static files collect under hashed names that every template's
``{% static %}`` finds, pages render with them, WhiteNoise serves them with far-future
cache headers, and CACHE_URL selects the cache."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client, override_settings

from clusterportal.settings import cache_config

ROOT = Path(django_settings.BASE_DIR)
ENV_EXAMPLE = ROOT / "deploy" / "systemd" / "clusterportal.env"
UNCOMPRESSED = "clusterportal.staticfiles.UncompressedStaticFilesStorage"


def documented_environment() -> dict[str, str]:
    """deploy/systemd/clusterportal.env as systemd reads it, with a fresh secret key."""
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    values["SECRET_KEY"] = secrets.token_urlsafe(50)
    return values


def run_manage(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # Only what the example names, on top of a clean environment (PATH, HOME, …): a
    # developer's DEBUG or DATABASE_URL must not leak into the check.
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_documented_production_environment_passes_the_deploy_checks(tmp_path: Path) -> None:
    environment = documented_environment()
    environment["DATA_DIR"] = str(tmp_path)
    assert environment["DEBUG"] == "false"
    result = run_manage(environment, "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_the_deploy_checks_catch_what_the_documented_environment_sets(tmp_path: Path) -> None:
    # The check above can fail: without the TLS settings it reports them.
    environment = documented_environment()
    environment["DATA_DIR"] = str(tmp_path)
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD"):
        del environment[name]
    result = run_manage(environment, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr


def test_without_debug_a_missing_secret_key_stops_the_start(tmp_path: Path) -> None:
    environment = documented_environment()
    environment["DATA_DIR"] = str(tmp_path)
    del environment["SECRET_KEY"]
    result = run_manage(environment, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_stores_static_files_under_hashed_names(tmp_path: Path) -> None:
    environment = documented_environment()
    environment["DATA_DIR"] = str(tmp_path)
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    result = run_manage(environment, "shell", "--no-imports", "-c", code)
    assert result.stdout.strip() == "clusterportal.staticfiles.PortalStaticFilesStorage"


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """collectstatic with production's manifest storage (without the compressed copies,
    which take a minute and change no name) into a folder of this module."""
    root = tmp_path_factory.mktemp("static")
    storages = {**django_settings.STORAGES, "staticfiles": {"BACKEND": UNCOMPRESSED}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def manifest_storage(settings: Any, collected: Path) -> Path:
    settings.STATIC_ROOT = collected
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": UNCOMPRESSED}}
    return collected


def manifest(root: Path) -> dict[str, str]:
    return json.loads((root / "staticfiles.json").read_text())["paths"]


STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]""")


def test_every_static_reference_of_a_template_is_collected(collected: Path) -> None:
    paths = manifest(collected)
    missing = []
    for template in ROOT.glob("*/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        for name in STATIC_TAG.findall(template.read_text(encoding="utf-8")):
            if name not in paths:
                missing.append(f"{template.relative_to(ROOT)}: {name}")
    assert not missing
    assert len(paths) > 50


def test_leaflets_stylesheet_names_its_images_by_their_hashed_names(collected: Path) -> None:
    css = (collected / manifest(collected)["vendor/leaflet/leaflet.css"]).read_text()
    images = re.findall(r"url\(\"?(images/[^)\"]+)\"?\)", css)
    assert images
    for image in images:
        assert re.search(r"\.[0-9a-f]{12}\.png$", image), image
        assert (collected / "vendor" / "leaflet" / image).is_file()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/", "/suche/?q=Laser", "/organisationen/", "/konto/anmelden/", "/api/v1/docs", "/netzwerke/"],
)
def test_pages_render_with_the_hashed_static_names(
    client: Client, manifest_storage: Path, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    hashed = set(manifest(manifest_storage).values())
    referenced = re.findall(r"""/static/([^"'?#\s)]+)""", html)
    assert referenced
    assert all(name in hashed for name in referenced), referenced


def test_the_back_office_renders_with_the_hashed_static_names(
    admin_client: Client, manifest_storage: Path
) -> None:
    response = admin_client.get("/admin/directory/organisation/")
    assert response.status_code == 200
    hashed = set(manifest(manifest_storage).values())
    referenced = re.findall(r"""/static/([^"'?#\s)]+)""", response.content.decode())
    assert referenced
    assert all(name in hashed for name in referenced), referenced


@pytest.mark.django_db
def test_a_profile_with_a_map_renders_with_the_hashed_static_names(
    client: Client, manifest_storage: Path
) -> None:
    from directory.tests.factories import SiteFactory

    site: Any = SiteFactory()
    response = client.get(site.organisation.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    css = manifest(manifest_storage)["vendor/leaflet/leaflet.css"]
    assert f"/static/{css}" in html


def test_whitenoise_serves_hashed_names_for_a_year_and_compressed(
    settings: Any, manifest_storage: Path
) -> None:
    collected = manifest_storage
    settings.MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware", *settings.MIDDLEWARE]
    name = manifest(collected)["css/portal.css"]
    # A compressed copy, as PortalStaticFilesStorage writes one beside each file.
    import gzip

    (collected / f"{name}.gz").write_bytes(gzip.compress((collected / name).read_bytes()))
    response = Client().get(f"/static/{name}", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip"
    plain = Client().get("/static/css/portal.css")
    assert plain.status_code == 200
    assert f"max-age={settings.WHITENOISE_MAX_AGE}" in plain["Cache-Control"]


def test_cache_url_selects_the_cache() -> None:
    assert cache_config("")["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    database = cache_config("db")["default"]
    assert database["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert database["LOCATION"] == "clusterportal_cache"
    redis = cache_config("redis://127.0.0.1:6379/3")["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/3"
    with pytest.raises(RuntimeError, match="CACHE_URL must be empty"):
        cache_config("memcached://127.0.0.1:11211")


def test_gunicorn_takes_its_sizes_from_the_environment() -> None:
    code = (
        "import runpy, json; c = runpy.run_path('clusterportal/gunicorn.conf.py'); "
        "print(json.dumps([c['workers'], c['threads'], c['bind'], c['accesslog']]))"
    )
    env = {**os.environ, "WEB_WORKERS": "3", "WEB_THREADS": "2", "WEB_BIND": "0.0.0.0:9000"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert json.loads(result.stdout) == [3, 2, ["0.0.0.0:9000"], None]
    env["WEB_WORKERS"] = "many"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "WEB_WORKERS must be a whole number" in result.stderr


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG must be set to false"),
        ({"DEBUG": "false"}, "SECRET_KEY is not set"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50}, "DATABASE_URL is not set"),
        (
            {"DEBUG": "false", "SECRET_KEY": "x" * 50, "DATABASE_URL": "sqlite:////tmp/x.db"},
            "DATABASE_URL must point at PostgreSQL",
        ),
    ],
)
def test_serve_refuses_an_environment_that_is_not_production(
    environment: dict[str, str], message: str
) -> None:
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        ["bash", "scripts/serve"],
        cwd=ROOT,
        env={**base, **environment},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr


WEEKDAYS = {"0": "Sun", "1": "Mon", "2": "Tue", "3": "Wed", "4": "Thu", "5": "Fri", "6": "Sat"}


def on_calendar(minute: str, hour: str, day: str, month: str, weekday: str) -> str:
    """systemd's OnCalendar for the crontab fields the portal's schedule uses."""
    assert day == "*" and month == "*"

    def field(value: str) -> str:
        if value == "*":
            return "*"
        if value.startswith("*/"):
            return f"00/{value[2:]}"
        return f"{int(value):02d}"

    prefix = f"{WEEKDAYS[weekday]} " if weekday != "*" else ""
    return f"{prefix}*-*-* {field(hour)}:{field(minute)}:00"


def test_the_systemd_timers_run_the_crontabs_jobs_at_its_times() -> None:
    crontab = {}
    for line in (ROOT / "deploy" / "crontab").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            parts = line.split()
            crontab[parts[6]] = on_calendar(*parts[:5])
    timers = {}
    for timer in (ROOT / "deploy" / "systemd").glob("clusterportal-*.timer"):
        text = timer.read_text()
        job = re.search(r"^Unit=clusterportal-job@(\w+)\.service$", text, re.M)
        calendar = re.search(r"^OnCalendar=(.+)$", text, re.M)
        assert job and calendar, timer.name
        timers[job.group(1)] = calendar.group(1)
    assert timers == crontab
    # Every job of docs/operations/scheduled-tasks.md is scheduled.
    documented = set(
        re.findall(
            r"^\| `manage\.py (\w+)",
            (ROOT / "docs/operations/scheduled-tasks.md").read_text(),
            re.M,
        )
    )
    assert documented - {"read_bounces"} <= set(crontab)


def test_the_scheduler_reads_the_crontab_and_runs_one_job_by_name() -> None:
    listed = subprocess.run(
        [sys.executable, "scripts/run-schedule", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0
    assert "send_queued_mail" in listed.stdout.splitlines()
    unknown = subprocess.run(
        [sys.executable, "scripts/run-schedule", "--run", "no_such_job"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert unknown.returncode == 2
    assert "no job 'no_such_job'" in unknown.stderr


def test_the_scheduler_starts_a_job_at_its_crontab_times(tmp_path: Path) -> None:
    import datetime as dt
    import runpy

    schedule = runpy.run_path(str(ROOT / "scripts" / "run-schedule"), run_name="schedule")
    crontab = tmp_path / "crontab"
    crontab.write_text(
        "# comment\n"
        "*/5 * * * *  manage send_newsletter\n"
        "20 4 * * 1  manage build_network_brochure\n"
    )
    newsletter, brochure = schedule["read_crontab"](crontab)
    monday = dt.datetime(2026, 12, 7, 4, 20)
    assert newsletter.due(monday) and brochure.due(monday)
    assert not newsletter.due(monday.replace(minute=21))
    assert not brochure.due(monday + dt.timedelta(days=1))
    assert brochure.args == ["build_network_brochure"]
    crontab.write_text("61 * * * *  manage send_newsletter\n")
    with pytest.raises(ValueError, match="crontab:1"):
        schedule["read_crontab"](crontab)


@pytest.mark.django_db
def test_before_collectstatic_pages_render_with_plain_names(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    # A benchmark or a first check without DEBUG: no manifest yet, no 500.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": UNCOMPRESSED}}
    response = client.get("/")
    assert response.status_code == 200
    assert "/static/css/portal.css" in response.content.decode()


def test_with_a_manifest_a_missing_name_is_an_error(manifest_storage: Path) -> None:
    from django.templatetags.static import static

    assert static("css/portal.css") != "/static/css/portal.css"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        static("css/no-such-file.css")
