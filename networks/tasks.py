"""Scheduled work of the networks (Django Tasks; cron runs the command of the same name)."""

from __future__ import annotations

from django_tasks import task


@task()
def check_network_labels() -> str:
    from .labels import check_labels

    run = check_labels()
    return f"{run.reminded} reminders written, {run.expired} ended labels left the search"


@task()
def read_study(study_id: int) -> str:
    from .studies import read

    status = read(study_id)
    return f"study {study_id}: {status or 'gone'}"


@task()
def build_brochure(build_id: int) -> str:
    """Build the brochure of a queued ``BrochureBuild`` (started from the back office)."""
    from .brochure import run_build

    build = run_build(build_id)
    if build.error:
        return f"Brochure build {build.pk} failed: {build.error}"
    return f"Brochure build {build.pk}: {build.page_count} pages, {build.size} bytes"


@task()
def build_network_brochure() -> str:
    """The scheduled rebuild of the brochure in every language (docs/operations/
    scheduled-tasks.md), as ``manage.py build_network_brochure`` does."""
    from .brochure import build_now
    from .choices import BrochureLanguage

    results = []
    for language in BrochureLanguage.values:
        build = build_now(language)
        if build is None:
            results.append(f"{language}: already under way")
        else:
            results.append(f"{language}: {build.error or f'{build.page_count} pages'}")
    return "; ".join(results)
