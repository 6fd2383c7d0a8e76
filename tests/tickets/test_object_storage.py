"""Files in an S3-compatible bucket (PORTAL_STORAGE=s3, django-storages): attachments are written
under private/ and still read only through the view that checks who asks; public media under
media/. The bucket is a real S3-compatible server on 127.0.0.1 (moto's standalone server)."""

import socket
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from portal.settings.base import file_storages
from portal.uploads import check_upload
from tests.factories import UserFactory
from tickets.models import Attachment

from .conftest import PNG, png

BUCKET = "portal-files"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "the S3 server did not start"
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "portal",
        "AWS_SECRET_ACCESS_KEY": "portal-secret",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-central-1")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    environ = {"PORTAL_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": s3_endpoint}
    settings.STORAGES = {**file_storages(environ), "staticfiles": settings.STORAGES["staticfiles"]}
    # File fields ask for the private storage once, when the models load; point them at the new one.
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storages["private"])
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_the_settings_choose_local_folders_or_a_bucket():
    assert file_storages({})["private"]["BACKEND"] == "portal.uploads.PrivateStorage"
    chosen = file_storages(
        {"PORTAL_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "files", "PORTAL_PRIVATE_BUCKET": "vault"}
    )
    assert (
        chosen["default"]["OPTIONS"]["location"] == "media" and chosen["default"]["OPTIONS"]["bucket_name"] == "files"
    )
    assert (
        chosen["private"]["OPTIONS"] | {"location": "private", "bucket_name": "vault"} == chosen["private"]["OPTIONS"]
    )
    assert chosen["private"]["OPTIONS"]["querystring_auth"] and not chosen["default"]["OPTIONS"]["querystring_auth"]
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        file_storages({"PORTAL_STORAGE": "s3"})
    with pytest.raises(ImproperlyConfigured, match="local or s3"):
        file_storages({"PORTAL_STORAGE": "ftp"})


def test_an_attachment_lives_in_the_bucket_and_only_its_owner_downloads_it(
    bucket, site, client, customer_client, customer, make_ticket
):
    ticket = make_ticket(customer, files=[check_upload(png(), max_bytes=10**6)])
    attachment = ticket.attachments.get()
    stored = keys(bucket)
    assert stored == [f"private/{attachment.file.name}"], stored
    response = customer_client.get(attachment.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PNG
    client.force_login(UserFactory(role="customer"))
    assert client.get(attachment.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    # Nobody but the portal's own account may read it from the bucket.
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=stored[0])["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert "URI" not in grants[0]["Grantee"]  # not a group such as AllUsers


def test_public_media_go_under_media(bucket):
    name = default_storage.save("logos/brand.png", ContentFile(PNG))
    assert f"media/{name}" in keys(bucket)
    assert default_storage.url(name).endswith(f"/{BUCKET}/media/{name}")
