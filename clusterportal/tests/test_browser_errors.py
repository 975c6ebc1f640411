"""The 503 page while the database is away, in a real browser: says what happened,
offers to try again, and passes axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from django.db.backends import utils
from playwright.sync_api import Page

from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS),
]


def test_the_unavailable_page_is_clear_and_accessible(
    live_server: Any, page: Page, monkeypatch: Any
) -> None:
    down = {"now": True}
    real_execute = utils.CursorWrapper.execute

    def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        if down["now"]:
            raise OperationalError("server closed the connection unexpectedly")
        return real_execute(self, *args, **kwargs)

    monkeypatch.setattr(utils.CursorWrapper, "execute", execute)
    try:
        answer = page.goto(live_server.url + "/organisationen/")
        assert answer is not None and answer.status == 503
        assert page.locator("h1").inner_text() == "Das Portal ist kurz nicht erreichbar"
        axe_check(page)
        down["now"] = False
        page.get_by_role("link", name="Erneut versuchen").click()
        page.wait_for_load_state()
        assert page.locator("h1").first.inner_text() != "Das Portal ist kurz nicht erreichbar"
    finally:
        down["now"] = False
