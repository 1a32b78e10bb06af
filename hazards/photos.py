"""Checking uploaded photos by their content and making thumbnails."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageFile, UnidentifiedImageError

from core.errors import ServiceError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMB_SIZE = (480, 480)


@dataclass
class CheckedImage:
    data: bytes
    extension: str
    width: int
    height: int
    thumbnail: bytes


def check_image(data: bytes, name: str = "") -> CheckedImage:
    """Accept a real, complete JPEG, PNG or WebP under the size limit; refuse anything else."""
    label = f"“{name}”" if name else "该文件"
    limit = settings.HAZARD_PHOTO_MAX_BYTES
    if not data:
        raise ServiceError(f"{label}是空文件。", field="file")
    if len(data) > limit:
        raise ServiceError(
            f"{label}大小为 {_size(len(data))}，超过 {_size(limit)} 的上限。",
            field="file",
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            probe.verify()
        if image_format not in ALLOWED_FORMATS:
            raise ServiceError(f"{label}不是 JPEG、PNG 或 WebP 图片。", field="file")
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > settings.HAZARD_PHOTO_MAX_PIXELS:
                raise ServiceError(f"{label}分辨率过大。", field="file")
            _load_strictly(image, data)  # decodes every pixel: a truncated file fails here
            width, height = image.size
            thumb = _thumbnail(image)
    except ServiceError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ServiceError(f"{label}不是有效的图片文件，或文件已损坏。", field="file") from exc
    return CheckedImage(data, ALLOWED_FORMATS[image_format], width, height, thumb)


_STRICT = threading.Lock()


def _load_strictly(image: Image.Image, data: bytes) -> None:
    """Decode the whole image, refusing truncated data.

    WeasyPrint switches Pillow's process-wide LOAD_TRUNCATED_IMAGES on when it is imported, which
    would let a cut-off photo through; the flag is held off while this image decodes.
    """
    if image.format == "JPEG" and not data.rstrip(b"\0").endswith(b"\xff\xd9"):
        raise OSError("JPEG end-of-image marker missing")
    with _STRICT:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{round(n / 1024)} KB"


def _thumbnail(image: Image.Image) -> bytes:
    from PIL import ImageOps

    copy = ImageOps.exif_transpose(image).convert("RGB")
    copy.thumbnail(THUMB_SIZE)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=80)
    return out.getvalue()
