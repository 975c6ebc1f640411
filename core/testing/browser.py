"""pytest plugin for browser tests: Playwright driving Debian's Chromium, and axe-core.

Loaded by the root ``conftest.py``. Tests marked ``@pytest.mark.browser`` take the
``page`` fixture (a fresh browser context per test, German locale) and call
``axe_check(page)`` on every page they show. The browser is the system's
``/usr/bin/chromium``, never a downloaded build; where it is missing the tests are
skipped with a reason. A failing test leaves a full-page screenshot in
``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Playwright's sync API runs an event loop in the test thread; Django would refuse
# database access from it. pytest-django's docs recommend this for Playwright.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"

# What "WCAG 2.1 AA" means in axe-core's rule tags.
WCAG_21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_script() -> Path:
    import axe_playwright_python

    return Path(axe_playwright_python.__file__).resolve().parent / "axe.min.js"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keeps each phase's report on the test item, so ``page`` knows whether to screenshot."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _reference_relations_visible(request: pytest.FixtureRequest) -> Iterator[None]:
    """Lets a browser test's pages follow relations into the reference-data apps.

    ``available_apps`` (``core.testing.TRANSACTIONAL_APPS``) keeps the flush away
    from the imported reference data, but while it is in force Django also hides
    the reverse relations of those apps' models, so ``organisation.technologies``
    or a prefetch of WZ codes fails. The full registry is restored for the test
    itself and narrowed again just before the flush.
    """
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    restricted = apps.stored_app_configs and [config.name for config in apps.get_app_configs()]
    if not restricted:
        yield
        return
    apps.unset_available_apps()
    try:
        yield
    finally:
        apps.set_available_apps(restricted)


@pytest.fixture(scope="session")
def browser() -> Generator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (run scripts/ensure-chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must run the browser tests")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# A page function as Playwright takes it: "function …", "(a, b) => …", "x => …".
_FUNCTION = re.compile(r"^\s*(async\s+)?(function\b|\([^()]*\)\s*=>|[\w$]+\s*=>)")


def _as_function(expression: str) -> str:
    return expression if _FUNCTION.match(expression) else f"() => ({expression})"


def _wait_without_eval(page: Page) -> None:
    """``wait_for_function`` with an expression ("document.… === 1") makes Playwright
    evaluate the string in the page with ``eval``, which the portal's
    Content-Security-Policy forbids; as an arrow function it needs none."""
    wait_for_function = page.wait_for_function

    def wait(expression: str, *args: Any, **kwargs: Any) -> Any:
        return wait_for_function(_as_function(expression), *args, **kwargs)

    page.wait_for_function = wait  # type: ignore[method-assign]


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Generator[Page]:
    """A page in its own browser context (no cookies shared between tests), locale de-DE."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    _wait_without_eval(page)
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS_DIR.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            try:
                page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True)
            except Exception as exc:  # the page may be gone; the test failure matters more
                print(f"could not save a screenshot: {exc}")
        context.close()


# The page at rest: no htmx request or swap under way, no CSS transition running
# (results fade to 60 % while htmx loads them and back afterwards).
SETTLED = """() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')
    && document.getAnimations().every(
        (a) => !(a instanceof CSSTransition) || a.playState !== 'running')"""


def axe_results(page: Page, tags: list[str] | None = None) -> dict[str, Any]:
    """axe-core's result object for the page once it has settled, limited to ``tags``.

    A reader judges the page they see after a swap, not a frame of its fade-in; checking
    mid-transition reports colours that never stay on screen.
    """
    page.wait_for_function(SETTLED)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag added to the page would
        # be an inline script, which the portal's Content-Security-Policy blocks.
        page.evaluate(_axe_script().read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        tags or WCAG_21_AA_TAGS,
    )


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'n/a'}): {violation['help']}"
            f" <{violation.get('helpUrl', '')}>"
        )
        for node in violation.get("nodes", [])[:10]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", " ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def axe_check(page: Page, tags: list[str] | None = None) -> None:
    """Fail the test when axe-core finds a WCAG 2.1 A/AA violation on the current page."""
    violations = axe_results(page, tags)["violations"]
    if violations:
        pytest.fail(
            f"axe-core found {len(violations)} WCAG 2.1 AA violation(s) on {page.url}:\n"
            + format_violations(violations),
            pytrace=False,
        )


def sign_in_with_code(page: Page, login: str, password: str, user: Any) -> None:
    """Sign in on the portal's login page that ``page`` shows, as a person would,
    including the one-time code a staff account needs (its authenticator is set up
    here if it has none yet). Checks both pages with axe-core."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and user.is_staff:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    axe_check(page)
    page.get_by_role("textbox", name="E-Mail-Adresse").fill(login)
    page.get_by_label("Passwort:", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    if device is not None:
        page.get_by_role("textbox", name="Code").wait_for()
        axe_check(page)
        code = str(totp(device.bin_key, device.step, device.t0, device.digits))
        page.get_by_role("textbox", name="Code").fill(code.zfill(device.digits))
        page.get_by_role("button", name="Anmelden").click()
