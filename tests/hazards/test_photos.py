"""Photos are checked by content: real JPEG/PNG pass; renamed, oversized and truncated files do not."""

import io

import pytest
from PIL import Image

from core.errors import ServiceError
from hazards.choices import HazardState
from hazards.models import HazardPhoto
from hazards.services import hazard_add_photo
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
