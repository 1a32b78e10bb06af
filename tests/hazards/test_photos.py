"""Photos are checked by content: real JPEG/PNG pass; renamed, oversized and truncated files do not."""

import io
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image

from core.errors import ServiceError
from hazards.choices import Action, HazardState
from hazards.models import HazardPhoto
from hazards.services import hazard_add_photo, hazard_add_photos
from tests.hazard_helpers import advance, jpeg_bytes, png_bytes, register

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_real_jpeg_and_png_pass_with_thumbnails(personas):
    hazard = register(
        personas.inspector, photos=[("a.jpg", jpeg_bytes((1600, 1200))), ("b.png", png_bytes())]
    )
    photos = list(hazard.photos.order_by("pk"))
    assert [(p.kind, p.extension, p.width, p.height) for p in photos] == [
        ("before", "jpg", 1600, 1200),
        ("before", "png", 32, 32),
    ]
    with Image.open(photos[0].thumbnail.open("rb")) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 480
    assert photos[0].event.action == "register"


def test_renamed_pdf_refused(personas):
    hazard = register(personas.inspector)
    with pytest.raises(ServiceError, match="不是有效的图片文件"):
        hazard_add_photo(
            hazard=hazard, by=personas.inspector, kind="before", data=PDF, name="scan.jpg"
        )
    assert not HazardPhoto.objects.exists()


def test_oversized_file_refused(personas, settings):
    settings.HAZARD_PHOTO_MAX_BYTES = 50_000
    big = io.BytesIO()
    Image.effect_noise((400, 400), 100).convert("RGB").save(big, "JPEG", quality=100)
    assert len(big.getvalue()) > 50_000
    hazard = register(personas.inspector)
    with pytest.raises(ServiceError, match="超过 49 KB 的上限"):
        hazard_add_photo(hazard=hazard, by=personas.inspector, kind="before", data=big.getvalue())


def test_truncated_image_refused(personas):
    data = jpeg_bytes((800, 600))
    hazard = register(personas.inspector)
    with pytest.raises(ServiceError, match="已损坏"):
        hazard_add_photo(
            hazard=hazard, by=personas.inspector, kind="before", data=data[: len(data) // 2]
        )


def test_truncated_image_refused_after_a_pdf_was_rendered(personas):
    import weasyprint  # noqa: F401 - importing it turns Pillow's LOAD_TRUNCATED_IMAGES on
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    hazard = register(personas.inspector)
    for data in (jpeg_bytes((800, 600)), png_bytes((300, 300))):
        with pytest.raises(ServiceError, match="已损坏"):
            hazard_add_photo(
                hazard=hazard, by=personas.inspector, kind="before", data=data[: len(data) * 2 // 3]
            )


def test_gif_refused(personas):
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    hazard = register(personas.inspector)
    with pytest.raises(ServiceError, match="不是 JPEG、PNG 或 WebP"):
        hazard_add_photo(hazard=hazard, by=personas.inspector, kind="before", data=out.getvalue())


def test_bad_photo_at_registration_registers_nothing(personas):
    from hazards.models import Hazard

    with pytest.raises(ServiceError):
        register(personas.inspector, photos=[("ok.jpg", jpeg_bytes()), ("bad.jpg", PDF)])
    assert not Hazard.objects.exists()


def test_after_photo_only_while_rectifying(personas):
    hazard = register(personas.inspector)
    with pytest.raises(ServiceError, match="不能上传整改后照片"):
        hazard_add_photo(hazard=hazard, by=personas.inspector, kind="after", data=jpeg_bytes())
    advance(
        hazard, HazardState.RECTIFYING, inspector=personas.inspector, reviewer=personas.reviewer
    )
    photo = hazard_add_photo(hazard=hazard, by=personas.inspector, kind="after", data=jpeg_bytes())
    assert photo.event.action == "add-photo" and photo.event.data == {"kind": "after"}


def test_out_of_scope_user_cannot_add_photo(personas):
    from hazards.models import Hazard

    hazard = register(personas.inspector)
    with pytest.raises(Hazard.DoesNotExist):
        hazard_add_photo(hazard=hazard, by=personas.inspector_b, kind="before", data=jpeg_bytes())


# ---------------------------------------------------------------- caps


def test_photos_per_request_capped(personas, settings):
    settings.HAZARD_PHOTOS_PER_REQUEST = 2
    three = [(f"{n}.jpg", jpeg_bytes()) for n in range(3)]
    with pytest.raises(ServiceError, match="一次最多上传 2 张照片（本次 3 张）"):
        register(personas.inspector, photos=three)
    hazard = register(personas.inspector, photos=three[:2])
    with pytest.raises(ServiceError, match="一次最多上传 2 张照片"):
        hazard_add_photos(hazard=hazard, by=personas.inspector, kind="before", photos=three)
    assert hazard.photos.count() == 2


def test_photos_per_hazard_capped(personas, settings):
    settings.HAZARD_PHOTOS_PER_HAZARD = 3
    hazard = register(personas.inspector, photos=[("a.jpg", jpeg_bytes())] * 2)
    two = [("b.jpg", jpeg_bytes()), ("c.jpg", jpeg_bytes())]
    with pytest.raises(ServiceError, match="每条隐患最多 3 张照片，已有 2 张，最多还能上传 1 张"):
        hazard_add_photos(hazard=hazard, by=personas.inspector, kind="before", photos=two)
    assert hazard.photos.count() == 2
    hazard_add_photo(hazard=hazard, by=personas.inspector, kind="before", data=jpeg_bytes())
    with pytest.raises(ServiceError, match="最多还能上传 0 张"):
        hazard_add_photo(hazard=hazard, by=personas.inspector, kind="before", data=jpeg_bytes())


def test_page_upload_is_one_step_and_refuses_past_the_cap(client, personas, settings):
    settings.HAZARD_PHOTOS_PER_REQUEST = 2
    hazard = register(personas.inspector)
    client.force_login(personas.inspector)
    url = reverse("hazards:photo_upload", args=[hazard.pk])

    def files(n):
        out = []
        for i in range(n):
            f = io.BytesIO(jpeg_bytes())
            f.name = f"{i}.jpg"
            out.append(f)
        return out

    client.post(url, {"kind": "before", "photos": files(2)})
    events = hazard.events.filter(action=Action.ADD_PHOTO)
    assert hazard.photos.count() == 2 and events.count() == 1
    assert events.get().data == {"kind": "before", "count": 2}
    response = client.post(url, {"kind": "before", "photos": files(3)}, follow=True)
    assert "一次最多上传 2 张照片" in response.content.decode()
    assert hazard.photos.count() == 2


# ---------------------------------------------------------------- EXIF evidence


def jpeg_with_exif() -> bytes:
    """A 64x48 phone photo taken rotated (orientation 6), with capture time and GPS."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "SomePhone"
    details = exif.get_ifd(0x8769)
    details[0x9003] = "2024:03:05 10:22:33"
    details[0x9011] = "+08:00"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (39.0, 7.0, 24.6), 3: "E", 4: (107.0, 30.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def assert_no_exif(data: bytes) -> None:
    assert b"Exif\0\0" not in data and b"SomePhone" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif() and "exif" not in image.info


def test_exif_time_and_place_kept_as_evidence_and_stripped_from_files(client, personas):
    original = jpeg_with_exif()
    hazard = register(personas.inspector, photos=[("phone.jpg", original)])
    photo = hazard.photos.get()
    assert photo.taken_at == datetime(2024, 3, 5, 10, 22, 33, tzinfo=timezone(timedelta(hours=8)))
    assert (photo.latitude, photo.longitude) == (Decimal("39.123500"), Decimal("107.500000"))
    assert (photo.width, photo.height) == (48, 64)  # orientation applied to the pixels
    assert photo.evidence == "拍摄时间 2024-03-05 10:22，位置 北纬 39.123500° 东经 107.500000°"

    client.force_login(personas.reviewer)
    for url in (
        reverse("hazards:photo", args=[photo.pk]),
        reverse("hazards:photo_thumbnail", args=[photo.pk]),
        f"/api/v1/hazards/{hazard.pk}/photos/{photo.pk}/",
        f"/api/v1/hazards/{hazard.pk}/photos/{photo.pk}/thumbnail/",
    ):
        response = client.get(url, HTTP_ACCEPT="image/*")
        assert response.status_code == 200, url
        served = b"".join(response.streaming_content)
        assert_no_exif(served)
    with Image.open(
        io.BytesIO(
            b"".join(client.get(reverse("hazards:photo", args=[photo.pk])).streaming_content)
        )
    ) as served:
        assert served.size == (48, 64)

    page = client.get(hazard.get_absolute_url()).content.decode()
    assert "拍摄时间 2024-03-05 10:22，位置 北纬 39.123500° 东经 107.500000°" in page
    body = client.get(f"/api/v1/hazards/{hazard.pk}/").json()
    shown = body["photos"][0]
    assert shown["taken_at"].startswith("2024-03-05T10:22:33")
    assert (shown["latitude"], shown["longitude"]) == ("39.123500", "107.500000")
    assert shown["evidence"] == photo.evidence


def test_png_and_webp_are_stripped_too(personas):
    exif = Image.Exif()
    exif[0x010F] = "SomePhone"
    exif.get_ifd(0x8825).update({1: "S", 2: (33.0, 52.0, 4.0), 3: "W", 4: (151.0, 12.0, 36.0)})
    uploads = []
    for fmt in ("PNG", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (40, 30), (0, 90, 200)).save(out, fmt, exif=exif)
        assert b"SomePhone" in out.getvalue()
        uploads.append((f"a.{fmt.lower()}", out.getvalue()))
    hazard = register(personas.inspector, photos=uploads)
    for photo in hazard.photos.all():
        assert_no_exif(photo.image.open("rb").read())
        assert photo.latitude == Decimal("-33.867778") and photo.longitude == Decimal("-151.210000")
        assert "南纬 33.867778° 西经 151.210000°" in photo.evidence


def test_photo_without_exif_says_so(personas):
    photo = register(personas.inspector, photos=[("a.jpg", jpeg_bytes())]).photos.get()
    assert photo.taken_at is None and photo.latitude is None
    assert photo.evidence == "拍摄时间 未记录，位置 未记录"
