"""Static file storages of production: whitenoise's manifest storages, each file's address worked
out once per process (the manifest is read when the process starts and never changes while it
runs; a page names about ten static files, each costing a manifest lookup and URL quoting)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage, ManifestStaticFilesStorage

# Names come from templates, a bounded set; the bound only guards against a caller that would
# pass arbitrary names.
MAX_REMEMBERED = 2000


class RememberedUrlsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            pass
        url = super().url(name)  # a missing file raises, and is never remembered
        if len(self._urls) < MAX_REMEMBERED:
            self._urls[name] = url
        return url


class ManifestStorage(RememberedUrlsMixin, ManifestStaticFilesStorage):
    pass


class CompressedManifestStorage(RememberedUrlsMixin, CompressedManifestStaticFilesStorage):
    pass
