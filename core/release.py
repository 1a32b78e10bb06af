"""A short digest of the code and templates this process runs.

Rendered HTML kept in the shared cache (Redis) outlives a deploy; a key that carries this
digest is never read by a process running other templates or code, so a page never mixes a
fragment drawn by the previous release into the current one. Processes of the same release,
on any machine, compute the same digest and share their fragments.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from django.conf import settings

SUFFIXES = (".py", ".html")
# Directories that hold no code or templates the pages are drawn with.
SKIP = {"tests", "bench", "var", "node_modules", "media", "staticfiles", "static", "__pycache__"}


def _files(root: Path):
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP)
        for name in sorted(names):
            if name.endswith(SUFFIXES):
                yield Path(folder) / name


@functools.cache
def release() -> str:
    """Read once per process (a few hundred small files, a few milliseconds)."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for path in _files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]
