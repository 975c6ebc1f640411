"""Sections that upper apps add to a lower app's page (core.panels)."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from core import panels
from core.panels import Panel


@pytest.fixture
def clean_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(panels, "_panels", {})


def _shown(request: Any, **values: Any) -> dict[str, Any] | None:
    field = values["field"]
    return {"word": f"<{field}>"} if field != "empty" else None


def test_a_registered_panel_is_rendered_in_its_slot_and_escaped(clean_slot: None) -> None:
    panels.register(Panel("networks.growth_field", "core/tests/_panel.html", _shown))
    page = Template('{% load panels %}[{% panels "networks.growth_field" field=name %}]')
    request = RequestFactory().get("/")
    html = page.render(Context({"request": request, "name": "Wasserstoff"}))
    assert html.replace("\n", "") == "[<p>&lt;Wasserstoff&gt;</p>]"


def test_a_panel_with_nothing_to_show_is_left_out(clean_slot: None) -> None:
    panels.register(Panel("networks.growth_field", "core/tests/_panel.html", _shown))
    html = panels.render_panels("networks.growth_field", RequestFactory().get("/"), field="empty")
    assert html == ""


def test_panels_come_in_their_order_and_register_once(clean_slot: None) -> None:
    def second(request: Any, **values: Any) -> dict[str, Any]:
        return {"word": "zweites"}

    panels.register(Panel("networks.profile", "core/tests/_panel.html", second, order=50))
    panels.register(Panel("networks.profile", "core/tests/_panel2.html", _shown, order=10))
    panels.register(Panel("networks.profile", "core/tests/_panel.html", second, order=50))
    html = panels.render_panels("networks.profile", RequestFactory().get("/"), field="x")
    assert html.replace("\n", "") == "<div>&lt;x&gt;</div><p>zweites</p>"


def test_an_unknown_slot_fails_loudly(clean_slot: None) -> None:
    with pytest.raises(ValueError, match="Unknown panel slot"):
        panels.register(Panel("networks.growthfield", "core/tests/_panel.html", _shown))
