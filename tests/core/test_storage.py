"""Production's static storage names each file by its manifest entry, worked out once."""

import json

import pytest

from core.storage import CompressedManifestStorage, ManifestStorage


@pytest.mark.parametrize("storage_class", [ManifestStorage, CompressedManifestStorage])
def test_a_static_file_is_named_by_its_manifest_entry_once_per_process(tmp_path, storage_class):
    manifest = {"paths": {"css/site.css": "css/site.3f2a9c.css"}, "version": "1.1", "hash": "h"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    storage = storage_class(location=str(tmp_path), base_url="/static/")
    assert storage.url("css/site.css") == "/static/css/site.3f2a9c.css"
    # The manifest is not read again for a name already worked out.
    storage.hashed_files["css/site.css"] = "css/site.changed.css"
    assert storage.url("css/site.css") == "/static/css/site.3f2a9c.css"
    assert storage.url("css/site.css", force=True) == "/static/css/site.changed.css"
    # A file missing from the manifest is an error every time, never remembered.
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
