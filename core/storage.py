"""File storage outside static and media, in a directory named by a setting.

Such files have no URL: the portal's own views serve them after checking who asks. The
directory is read from the setting on every use, so tests and deployments that change
the setting move the files with it.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class SettingDirStorage(FileSystemStorage):
    def __init__(self, setting: str) -> None:
        self.setting = setting
        super().__init__(base_url=None)

    def deconstruct(self) -> tuple[str, tuple[str, ...], dict[str, str]]:
        return ("core.storage.SettingDirStorage", (self.setting,), {})

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(getattr(settings, self.setting))

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)
