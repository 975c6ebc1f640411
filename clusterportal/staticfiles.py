"""The static files storage of production (``STORAGES["staticfiles"]`` without DEBUG).

WhiteNoise's compressed manifest storage: each file also under a name with its content's
hash (served with a year's Cache-Control), gzip and brotli beside it, ``url()`` references
in CSS rewritten to the hashed names. Source-map comments are left as they are: the
vendored libraries (Leaflet, the API docs' Swagger UI) name maps that are not shipped,
and a reference that cannot be resolved would stop collectstatic. Browsers ask for a map
only with their developer tools open; it answers 404 then.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(
    patterns: tuple[tuple[str, tuple[object, ...]], ...],
) -> tuple[tuple[str, tuple[object, ...]], ...]:
    kept = []
    for glob, rules in patterns:
        rules = tuple(rule for rule in rules if "sourceMappingURL" not in str(rule))
        if rules:
            kept.append((glob, rules))
    return tuple(kept)


class _PlainNamesBeforeCollect:
    """Without a manifest (collectstatic has not run: a benchmark, a management command
    on a fresh machine) names stay as they are instead of failing every page; once the
    manifest exists a name missing from it is an error, as Django's storage makes it."""

    hashed_files: dict[str, str]

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        return super().stored_name(name)  # type: ignore[misc]


class PortalStaticFilesStorage(_PlainNamesBeforeCollect, CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)


class UncompressedStaticFilesStorage(ManifestStaticFilesStorage):
    """Hashed names without the compressed copies (``STATIC_COMPRESS=false``): collectstatic
    in seconds instead of a minute, for throwaway set-ups such as scripts/test-multinode."""

    patterns = _without_source_maps(ManifestStaticFilesStorage.patterns)

    def stored_name(self, name: str) -> str:
        # As _PlainNamesBeforeCollect (a mixin here upsets the type checker's view of
        # Django's two base classes).
        if not self.hashed_files:
            return name
        return super().stored_name(name)
