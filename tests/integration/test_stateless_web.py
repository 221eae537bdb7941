"""A stateless web tier: one resumable upload served by two web processes in turn (real
servers, as the Docker image runs them), without object storage (tus, the part file on the
disk both see) and with it (S3 multipart on links either signs). Nothing of an upload lives in
one web process."""

import base64
import hashlib
import os

import pytest
import requests
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from django.urls import reverse

from appraisal.choices import EvidenceSlot
from appraisal.models import EvidenceFile
from tests.appraisal.media_factory import make_application
from tests.factories import build_world

MB = 1024 * 1024


def session_for(user) -> requests.Session:
    """A browser's session for ``user``: its session cookie (from the shared database) and a
    CSRF cookie with the header that goes with it."""
    client = Client()
    client.force_login(user)
    secret = _get_new_csrf_string()
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.cookies.set("csrftoken", secret)
    session.headers["X-CSRFToken"] = _mask_cipher_secret(secret)
    return session


def data_of(n: int) -> bytes:
    return os.urandom(n)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_one_tus_upload_through_two_web_processes(shared_database, web_server, settings,
                                                  tmp_path):
    settings.EVIDENCE_UPLOAD_DIR = tmp_path / "uploads"
    env = {"DATABASE_URL": shared_database}
    first, _ = web_server(env=env)
    second, _ = web_server(env=env)
    world = build_world()
    application = make_application(world.a)
    browser = session_for(world.a.person.user)
    data = data_of(3 * MB + 123)
    meta = {"application": application.pk, "slot": EvidenceSlot.TEACHING_VIDEO,
            "position": 1, "filename": "clip.mp4"}
    tus = {"Tus-Resumable": "1.0.0"}
    r = browser.post(first + reverse("evidence_uploads"), headers={
        **tus, "Upload-Length": str(len(data)),
        "Upload-Metadata": ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}"
                                    for k, v in meta.items())})
    assert r.status_code == 201, r.text
    path = reverse("evidence_upload", args=[r.headers["Location"].rsplit("/", 1)[-1]])
    offset = 0
    for n, server in enumerate([second, first, second, first]):
        head = browser.head(server + path, headers=tus)
        assert int(head.headers["Upload-Offset"]) == offset  # each sees what the other took
        chunk = data[offset:offset + MB]
        r = browser.patch(server + path, data=chunk, headers={
            **tus, "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": str(offset)})
        assert r.status_code == 204, (n, r.text)
        offset += len(chunk)
    made = EvidenceFile.objects.get()
    with made.file.open("rb") as f:
        assert hashlib.sha256(f.read()).digest() == hashlib.sha256(data).digest()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_one_direct_upload_through_two_web_processes(shared_database, web_server, settings,
                                                     object_store, s3):
    env = {"DATABASE_URL": shared_database, **object_store.env,
           "EVIDENCE_UPLOAD_CHUNK_BYTES": str(5 * MB)}
    first, _ = web_server(env=env)
    second, _ = web_server(env=env)
    world = build_world()
    application = make_application(world.a)
    browser = session_for(world.a.person.user)
    data = data_of(11 * MB)
    r = browser.post(first + reverse("evidence_direct_uploads"), json={
        "application": application.pk, "slot": EvidenceSlot.TEACHING_VIDEO, "position": 1,
        "filename": "clip.mp4", "size": len(data)})
    assert r.status_code == 201, r.text
    upload = r.json()
    assert upload["part_count"] == 3
    size = upload["part_size"]
    for n, server in ((1, second), (2, first), (3, second)):
        urls = browser.post(server + upload["sign_url"], json={"parts": [n]}).json()["urls"]
        put = requests.put(urls[str(n)], data=data[(n - 1) * size:n * size], timeout=60)
        assert put.status_code == 200, put.text
        other = first if server == second else second
        listed = browser.get(other + upload["parts_url"]).json()["parts"]
        assert [p["number"] for p in listed] == list(range(1, n + 1))
    r = browser.post(first + upload["complete_url"])
    assert r.status_code == 201, r.text
    made = EvidenceFile.objects.get()
    stored = object_store.client().get_object(Bucket=object_store.env["AWS_STORAGE_BUCKET_NAME"],
                                              Key=made.file.name)["Body"].read()
    assert hashlib.sha256(stored).digest() == hashlib.sha256(data).digest()
    # the download through the other process: a signed link to the store
    link = browser.get(second + reverse("evidence_download", args=[made.pk]),
                       allow_redirects=False)
    assert link.status_code == 302
    got = requests.get(link.headers["Location"], headers={"Range": "bytes=100-199"}, timeout=30)
    assert (got.status_code, got.content) == (206, data[100:200])
