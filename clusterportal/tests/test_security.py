"""Content-Security-Policy on every answer; HSTS, the https redirect and the proxy's TLS
header set from the environment, with health checks exempt from the redirect."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from clusterportal.settings import proxy_ssl_header
from core.security import content_security_policy, tile_source

pytestmark = pytest.mark.django_db

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@pytest.mark.parametrize(
    "path", ["/", "/suche/?q=Laser", "/konto/anmelden/", "/api/v1/docs", "/api/v1/search"]
)
def test_pages_and_the_api_carry_a_strict_policy(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STRICT


def test_map_tiles_are_allowed_from_the_configured_tile_host(client: Client, settings) -> None:
    settings.MAP_TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    policy = client.get("/suche/")["Content-Security-Policy"]
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["img-src"] == "'self' data: https://*.tile.openstreetmap.org"
    assert directives["script-src"] == "'self'" and "unsafe" not in policy
    settings.MAP_TILE_URL = "https://tiles.example.org:8443/{z}/{x}/{y}.png"
    assert (
        "img-src 'self' data: https://tiles.example.org:8443;"
        in client.get("/")["Content-Security-Policy"]
    )


@pytest.mark.parametrize(
    "url", ["tiles.example.org/{z}/{x}/{y}.png", "https://a.{s}.example.org/{z}.png"]
)
def test_a_tile_url_the_policy_cannot_express_is_refused_with_its_reason(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="MAP_TILE_URL"):
        tile_source(url)


def test_the_policy_without_tiles_is_the_strict_one() -> None:
    assert content_security_policy("") == STRICT


def settings_from(environment: dict[str, str]) -> dict[str, Any]:
    """The settings a fresh process reads from these environment variables."""
    code = (
        "import json; from clusterportal import settings as s; print(json.dumps({n: "
        "getattr(s, n) for n in ('SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', "
        "'SECURE_PROXY_SSL_HEADER', 'SECURE_REDIRECT_EXEMPT')}))"
    )
    env = {**os.environ, **environment}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(result.stderr.strip().splitlines()[-1])
    return json.loads(result.stdout)


def test_tls_settings_come_from_the_environment() -> None:
    assert settings_from({}) == {
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_REDIRECT_EXEMPT": ["^health(z|/.*)?$"],
    }
    configured = settings_from(
        {
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_SSL_REDIRECT": "true",
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        }
    )
    assert configured["SECURE_HSTS_SECONDS"] == 31536000
    assert configured["SECURE_SSL_REDIRECT"] is True
    assert configured["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    with pytest.raises(RuntimeError, match="SECURE_PROXY_SSL_HEADER must be"):
        settings_from({"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https"})


def test_behind_a_tls_proxy_the_reset_link_is_https(
    settings, django_user_model, mail_sent_at_once
) -> None:
    # What SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https in the environment gives.
    settings.SECURE_PROXY_SSL_HEADER = proxy_ssl_header("HTTP_X_FORWARDED_PROTO,https")
    django_user_model.objects.create_user(
        "rita@beispiel-werk.de", "rita@beispiel-werk.de", "Werkbank-Fräse-2026"
    )
    # As a proxy forwards it: the host asked for, and that the request came by https.
    client = Client(headers={"Host": "testserver", "X-Forwarded-Proto": "https"})
    response = client.post(reverse("accounts:password-reset"), {"email": "rita@beispiel-werk.de"})
    assert response.status_code == 302
    links = re.findall(r"https?://\S+", str(mail.outbox[-1].body))
    assert links and all(link.startswith("https://testserver/") for link in links)


def test_https_redirect_and_hsts_spare_health_checks(settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_REDIRECT_EXEMPT = django_settings.SECURE_REDIRECT_EXEMPT
    plain = Client()
    response = plain.get("/suche/?q=Laser")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/suche/?q=Laser"
    for health in ["/health/", "/healthz", "/health/db"]:
        # No such page yet: what counts is that it is answered over plain http.
        assert plain.get(health).status_code != 301, health
    assert plain.get("/healthcare/").status_code == 301
    secure = Client(headers={"X-Forwarded-Proto": "https"})
    response = secure.get("/")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=3600"
