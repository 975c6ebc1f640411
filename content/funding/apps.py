"""What the funding programmes register when the content app is ready (called from
``ContentConfig.ready()``): the search type, the panels on the networks' pages, the
followers' personal data."""

from __future__ import annotations


def ready() -> None:
    from accounts.privacy import register_personal_data
    from core.panels import Panel, register
    from search.registry import register as register_type

    from . import panels, privacy, signals  # noqa: F401  (signals connects the receivers)
    from .search import ProgrammeType

    register_type(ProgrammeType())
    register(
        Panel(
            "networks.growth_field",
            "content/funding/panels/_field.html",
            panels.field_programmes,
            order=30,
        )
    )
    register(
        Panel(
            "networks.dashboard",
            "content/funding/panels/_dashboard.html",
            panels.dashboard_programmes,
            order=30,
        )
    )
    register_personal_data("funding_follows", privacy.export_follows, privacy.erase_follows)
