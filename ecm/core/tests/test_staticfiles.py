"""The production static storage: hashed names from the manifest, each URL worked out once."""

import json

import pytest

from ecm.core.staticfiles import ManifestStaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {"ecm/ecm.css": "ecm/ecm.4f2a9c.css"}})
    )
    return ManifestStaticFilesStorage(location=str(tmp_path), base_url="/assets/")


def test_url_is_the_hashed_name_from_the_manifest(storage):
    assert storage.url("ecm/ecm.css") == "/assets/ecm/ecm.4f2a9c.css"
    storage.hashed_files["ecm/ecm.css"] = "ecm/ecm.000000.css"  # a later lookup is not repeated
    assert storage.url("ecm/ecm.css") == "/assets/ecm/ecm.4f2a9c.css"


def test_a_name_missing_from_the_manifest_fails_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("ecm/missing.css")


@pytest.mark.django_db
def test_favicon_ico_at_the_root_redirects_to_the_static_favicon(client):
    """Browsers ask for /favicon.ico whatever the page says (a PDF opened in a tab does): it is not a 404."""
    from django.templatetags.static import static

    response = client.get("/favicon.ico")
    assert response.status_code == 302  # not permanent: the hashed name changes with a release
    assert response["Location"] == static("images/favicon.ico") == "/assets/images/favicon.ico"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content if icon.streaming else [icon.content])[:4] == b"\x00\x00\x01\x00"
