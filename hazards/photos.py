"""Checking uploaded photos by their content, keeping their capture time and place as evidence,
and making the copies that are stored and served: EXIF removed, orientation applied."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from django.conf import settings
from django.utils import timezone as dj_timezone
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from core.errors import ServiceError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMB_SIZE = (480, 480)
JPEG_QUALITY = 92

# EXIF tags (Exif 2.3): the Exif and GPS sub-IFDs and what is read from them.
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4


@dataclass
class CheckedImage:
    """A checked photo: `data` is the copy to store and serve (no EXIF, orientation applied);
    the capture time and place come from the original's EXIF, when it had them."""

    data: bytes
    extension: str
    width: int
    height: int
    thumbnail: bytes
    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


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
            taken_at, latitude, longitude = _evidence(image)
            clean = _without_metadata(image)
            width, height = clean.size
            stored = _encode(clean, image_format, image.info.get("icc_profile"))
            thumb = _thumbnail(clean)
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
    return CheckedImage(
        stored,
        ALLOWED_FORMATS[image_format],
        width,
        height,
        thumb,
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
    )


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
    copy = image.convert("RGB")
    copy.thumbnail(THUMB_SIZE)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=80)
    return out.getvalue()


def _without_metadata(image: Image.Image) -> Image.Image:
    """The pixels turned as the EXIF orientation says, in a new image that carries no EXIF,
    XMP or text chunks (which may hold the place, the phone and its owner)."""
    turned = ImageOps.exif_transpose(image)
    clean = Image.new(turned.mode, turned.size)
    clean.paste(turned)
    if turned.mode == "P" and turned.getpalette():
        clean.putpalette(turned.getpalette())
        if "transparency" in turned.info:
            clean.info["transparency"] = turned.info["transparency"]
    return clean


def _encode(image: Image.Image, image_format: str, icc_profile: bytes | None) -> bytes:
    """The copy that is stored and served: same format, no metadata but the colour profile."""
    out = io.BytesIO()
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=JPEG_QUALITY, **extra)
    elif image_format == "PNG":
        image.save(out, "PNG", optimize=False, **extra)
    else:
        image.save(out, "WEBP", quality=JPEG_QUALITY, **extra)
    return out.getvalue()


def _evidence(image: Image.Image) -> tuple[datetime | None, Decimal | None, Decimal | None]:
    """Capture time (DateTimeOriginal, in its recorded offset or else the site's time zone) and
    place (GPS latitude / longitude in degrees) from the photo's EXIF; None where absent or
    malformed."""
    try:
        exif = image.getexif()
        details = exif.get_ifd(EXIF_IFD)
        gps = exif.get_ifd(GPS_IFD)
    except Exception:  # noqa: BLE001 - a damaged EXIF block only loses the evidence fields
        return None, None, None
    return (
        _taken_at(details.get(DATETIME_ORIGINAL), details.get(OFFSET_TIME_ORIGINAL)),
        _degrees(gps.get(GPS_LAT), gps.get(GPS_LAT_REF), 90),
        _degrees(gps.get(GPS_LON), gps.get(GPS_LON_REF), 180),
    )


def _taken_at(value, offset) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.strptime(value.strip("\0 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone = None
    if isinstance(offset, str) and len(offset.strip("\0 ")) == 6:
        text = offset.strip("\0 ")
        try:
            sign = -1 if text[0] == "-" else 1
            zone = timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))
        except (ValueError, IndexError):
            zone = None
    if zone is not None:
        return moment.replace(tzinfo=zone)
    return dj_timezone.make_aware(moment)


def _degrees(value, ref, limit: int) -> Decimal | None:
    try:
        d, m, sec = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + sec / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if isinstance(ref, str) and ref.strip("\0 ").upper() in ("S", "W"):
        degrees = -degrees
    if not -limit <= degrees <= limit or degrees != degrees:
        return None
    return Decimal(f"{degrees:.6f}")
