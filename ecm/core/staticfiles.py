"""Static files in production: WhiteNoise's compressed, hashed-name storage, with each name's URL
worked out once per process.

The manifest of hashed names is fixed for a release (``collectstatic`` writes it before the web
process starts), so a name's URL cannot change while a process runs. Every page asks for the same
few stylesheets and scripts, and the storage's own lookup (split, unquote, manifest, join) was a
measurable part of each page's rendering (docs/performance.md).
"""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            # A name missing from the manifest raises here, as without the cache, and is not kept.
            found = self._urls[name] = super().url(name)
        return found
