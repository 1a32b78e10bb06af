"""Photos chosen on a registration form that came back with an error.

On a phone in a factory yard, taking the photos again because the deadline was missing is the
last thing an inspector wants. A refused form keeps its good photos here, under MEDIA_ROOT/tmp,
and hands the page a signed token per photo; the next submission brings them back. A token
names only a file this user stashed within the last day; core.media removes what is left.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing

from core.errors import ServiceError

from .photos import check_image

FOLDER = "tmp/photos"
SALT = "hazards.pending-photo"
MAX_AGE = 24 * 3600
MAX_KEPT = 20  # photos carried from one attempt to the next


@dataclass(frozen=True)
class PendingPhoto:
    token: str
    name: str
    data: bytes
    path: Path

    @property
    def size(self) -> str:
        return f"{len(self.data) / 1024:.0f} KB"


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def stash(user, photos: list[tuple[str, bytes]]) -> list[PendingPhoto]:
    """Keep the photos that pass the content check; refused ones are not kept."""
    kept = []
    folder = _folder()
    for name, data in photos[:MAX_KEPT]:
        try:
            checked = check_image(data, name)
        except ServiceError:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        file_name = f"{uuid.uuid4().hex}.{checked.extension}"
        path = folder / file_name
        path.write_bytes(data)
        token = signing.dumps({"f": file_name, "u": user.pk, "n": name[:100]}, salt=SALT)
        kept.append(PendingPhoto(token, name, data, path))
    return kept


def load(user, tokens: list[str]) -> list[PendingPhoto]:
    """The stashed photos of these tokens; a forged, foreign, expired or spent token is skipped."""
    found = []
    for token in list(dict.fromkeys(tokens))[:MAX_KEPT]:
        try:
            value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature:
            continue
        path = _folder() / Path(str(value.get("f", ""))).name
        if value.get("u") != user.pk or not path.is_file():
            continue
        found.append(PendingPhoto(token, str(value.get("n", "")), path.read_bytes(), path))
    return found


def discard(photos: list[PendingPhoto]) -> None:
    """Remove the stashed files once the hazard holds its own copies."""
    for photo in photos:
        photo.path.unlink(missing_ok=True)
