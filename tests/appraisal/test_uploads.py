"""The HTTP side of evidence files (appraisal.uploads): the tus 1.0 protocol, the states as JSON,
downloads with Range, removal, and who gets a 404."""

import base64
import hashlib
from urllib.parse import urlsplit

import pytest
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from django.urls import reverse

from accounts.rules import Role
from appraisal.choices import ApplicationState, EvidenceSlot, FileState
from appraisal.models import EvidenceFile, Upload
from tests.appraisal.media_factory import make_application, pdf_bytes, stored_file, video_bytes

TUS = {"Tus-Resumable": "1.0.0"}
PATCH_TYPE = "application/offset+octet-stream"


@pytest.fixture(autouse=True)
def _uploads_here(settings, tmp_path):
    settings.EVIDENCE_UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def application(world):
    return make_application(world.a)


@pytest.fixture
def applicant_client(world):
    client = Client()
    client.force_login(world.a.person.user)
    return client


def metadata(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}"
                    for k, v in values.items())


def create(client, application, length, *, slot=EvidenceSlot.LESSON_PLAN, position=1,
           name="แผนการสอน.pdf", caption=""):
    return client.post(reverse("evidence_uploads"), headers={
        **TUS, "Upload-Length": str(length),
        "Upload-Metadata": metadata(application=application.pk, slot=slot, position=position,
                                    filename=name, caption=caption)})


def patch(client, url, offset, data, **headers):
    return client.generic("PATCH", url, data, content_type=PATCH_TYPE,
                          headers={**TUS, "Upload-Offset": str(offset), **headers})


def head(client, url):
    return client.head(url, headers=TUS)


def test_options_tells_what_the_server_supports(applicant_client):
    r = applicant_client.options(reverse("evidence_uploads"))
    assert r.status_code == 204
    assert r["Tus-Version"] == "1.0.0"
    assert set(r["Tus-Extension"].split(",")) == {"creation", "termination", "checksum",
                                                  "expiration"}
    assert int(r["Tus-Max-Size"]) >= 2 * 1024**3


def test_a_broken_upload_resumes_and_the_finished_file_is_checked(
        application, applicant_client, eager, django_capture_on_commit_callbacks):
    data = pdf_bytes(10)
    r = create(applicant_client, application, len(data))
    assert r.status_code == 201, r.content.decode()
    assert r["Tus-Resumable"] == "1.0.0"
    url = urlsplit(r["Location"]).path
    assert r["Location"].startswith("http://testserver/appraisal/uploads/")

    # the first part arrives, then the connection breaks
    r = patch(applicant_client, url, 0, data[:1000])
    assert (r.status_code, r["Upload-Offset"]) == (204, "1000")
    # the client comes back and asks where to resume
    r = head(applicant_client, url)
    assert (r.status_code, r["Upload-Offset"], r["Upload-Length"]) == (
        200, "1000", str(len(data)))
    assert r["Cache-Control"] == "no-store"
    # a wrong offset is refused
    assert patch(applicant_client, url, 500, data[500:]).status_code == 409
    assert patch(applicant_client, url, 1000, b"x", CONTENT_TYPE="text/plain").status_code in (
        409, 415)
    with django_capture_on_commit_callbacks(execute=True):
        r = patch(applicant_client, url, 1000, data[1000:])
    assert (r.status_code, r["Upload-Offset"]) == (204, str(len(data)))

    made = EvidenceFile.objects.get()
    assert (made.slot, made.original_name, made.size) == (
        EvidenceSlot.LESSON_PLAN, "แผนการสอน.pdf", len(data))
    assert (made.state, made.pages) == (FileState.VALID, 10)
    with made.file.open("rb") as f:
        assert f.read() == data
    # the finished upload keeps answering, at its end
    assert head(applicant_client, url)["Upload-Offset"] == str(len(data))
    assert patch(applicant_client, url, len(data), b"more").status_code == 409


def test_checksums_keep_a_damaged_chunk_out(application, applicant_client):
    r = create(applicant_client, application, 20)
    url = urlsplit(r["Location"]).path
    good = base64.b64encode(hashlib.sha1(b"0123456789").digest()).decode()  # noqa: S324 (tus)
    r = patch(applicant_client, url, 0, b"0123456789", **{"Upload-Checksum": f"sha1 {good}"})
    assert r.status_code == 204
    r = patch(applicant_client, url, 10, b"abcdefghij", **{"Upload-Checksum": f"sha1 {good}"})
    assert r.status_code == 460
    assert head(applicant_client, url)["Upload-Offset"] == "10"
    r = patch(applicant_client, url, 10, b"abcdefghij", **{"Upload-Checksum": "crc32 AAAA"})
    assert r.status_code == 400


def test_termination_deletes_the_bytes(application, applicant_client, settings,
                                      django_capture_on_commit_callbacks):
    url = urlsplit(create(applicant_client, application, 100)["Location"]).path
    patch(applicant_client, url, 0, b"x" * 50)
    assert list(settings.EVIDENCE_UPLOAD_DIR.glob("*.part"))
    with django_capture_on_commit_callbacks(execute=True):
        r = applicant_client.delete(url, headers=TUS)
    assert r.status_code == 204
    assert not Upload.objects.exists()
    assert not list(settings.EVIDENCE_UPLOAD_DIR.glob("*.part"))
    assert head(applicant_client, url).status_code == 404


def test_creation_refusals(application, applicant_client, settings):
    assert applicant_client.post(reverse("evidence_uploads")).status_code == 412
    r = create(applicant_client, application, 10, slot=EvidenceSlot.OUTCOME, position=5)
    assert r.status_code == 400
    assert "ลำดับไฟล์" in r.content.decode()
    settings.EVIDENCE_MAX_DOCUMENT_BYTES = 1000
    r = create(applicant_client, application, 1001)
    assert r.status_code == 413
    assert "ใหญ่เกินกำหนด" in r.content.decode()
    application.state = ApplicationState.SUBMITTED
    application.save()
    r = create(applicant_client, application, 10)
    assert r.status_code == 403
    assert "แก้ไขไฟล์หลักฐานไม่ได้" in r.content.decode()


def test_the_csrf_token_travels_in_a_header(application, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a.person.user)
    client.get(reverse("evidence_state", args=[application.pk]))  # any page sets no cookie
    assert create(client, application, 10).status_code == 403
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    r = client.post(reverse("evidence_uploads"), headers={
        **TUS, "Upload-Length": "10", "X-CSRFToken": _mask_cipher_secret(secret),
        "Upload-Metadata": metadata(application=application.pk, slot="lesson_plan",
                                    position=1, filename="a.pdf")})
    assert r.status_code == 201


def test_someone_else_gets_404_for_everything(world, application, applicant_client):
    url = urlsplit(create(applicant_client, application, 100)["Location"]).path
    item = stored_file(application)
    for user in (world.a.users[Role.SCHOOL_ADMIN], world.b.users[Role.STAFF],
                 world.b.users[Role.PROVINCE_ADMIN]):
        other = Client()
        other.force_login(user)
        assert head(other, url).status_code == 404
        assert patch(other, url, 0, b"x").status_code == 404
        assert other.delete(url, headers=TUS).status_code == 404
        # creating for someone else's application
        assert create(other, application, 10).status_code == 404
    outsider = Client()
    outsider.force_login(world.b.users[Role.STAFF])
    assert outsider.get(reverse("evidence_state", args=[application.pk])).status_code == 404
    assert outsider.get(reverse("evidence_download", args=[item.pk])).status_code == 404
    assert outsider.post(reverse("evidence_remove", args=[item.pk])).status_code == 404
    assert Upload.objects.get().offset == 0


def test_state_json_lists_the_files(world, application, applicant_client):
    stored_file(application, name="แผน.pdf", pages=12)
    stored_file(application, EvidenceSlot.TEACHING_VIDEO, state=FileState.CHECKING,
                media_kind="", content_type="", name="สอน.mp4")
    stored_file(application, EvidenceSlot.INSPIRATION_VIDEO, state=FileState.REJECTED,
                reason="วีดิทัศน์ยาว 10:01 นาที เกินกำหนด 10:00 นาที", media_kind="video",
                content_type="video/mp4", duration_seconds=601.0, name="แรงบันดาลใจ.mp4")
    r = applicant_client.get(reverse("evidence_state", args=[application.pk]))
    assert r.status_code == 200
    body = r.json()
    assert body["pending"] is True
    assert body["editable"] is True
    by_slot = {f["slot"]: f for f in body["files"]}
    assert by_slot["lesson_plan"]["pages"] == 12
    assert by_slot["lesson_plan"]["state_display"] == "ผ่านการตรวจสอบ"
    assert by_slot["teaching_video"]["state"] == "checking"
    assert by_slot["inspiration_video"]["duration_display"] == "10:01"
    assert "เกินกำหนด" in by_slot["inspiration_video"]["reason"]
    assert by_slot["lesson_plan"]["remove_url"]
    # the school admin works on the school: reads, may not remove
    admin = Client()
    admin.force_login(world.a.users[Role.SCHOOL_ADMIN])
    body = admin.get(reverse("evidence_state", args=[application.pk])).json()
    assert body["editable"] is False
    assert all(f["remove_url"] is None for f in body["files"])


def test_downloads_seek_with_range(world, application, applicant_client, tmp_path):
    data = video_bytes(tmp_path, 30)
    item = stored_file(application, EvidenceSlot.TEACHING_VIDEO, data=data, name="สอน.mp4",
                       media_kind="video", content_type="video/mp4")
    url = reverse("evidence_download", args=[item.pk])
    whole = applicant_client.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Type"] == "video/mp4"
    assert whole["Content-Length"] == str(len(data))
    assert whole["Content-Disposition"].startswith("inline")
    assert b"".join(whole.streaming_content) == data

    part = applicant_client.get(url, headers={"Range": "bytes=100-299"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-299/{len(data)}"
    assert part["Content-Length"] == "200"
    assert b"".join(part.streaming_content) == data[100:300]

    tail = applicant_client.get(url, headers={"Range": "bytes=-50"})
    assert (tail.status_code, b"".join(tail.streaming_content)) == (206, data[-50:])
    open_end = applicant_client.get(url, headers={"Range": f"bytes={len(data) - 10}-"})
    assert b"".join(open_end.streaming_content) == data[-10:]
    beyond = applicant_client.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert (beyond.status_code, beyond["Content-Range"]) == (416, f"bytes */{len(data)}")
    stale = applicant_client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200
    # read to the end: the test client then closes the response without closing the test's
    # database connection (a direct close() does, on PostgreSQL)
    assert b"".join(stale.streaming_content) == data

    # the school and its office may watch it too; another province may not
    for role in (Role.SCHOOL_ADMIN, Role.LAO_ADMIN, Role.OFFICER):
        c = Client()
        c.force_login(world.a.users[role])
        r = c.get(url, headers={"Range": "bytes=0-9"})
        assert r.status_code == 206, role
        assert len(b"".join(r.streaming_content)) == 10


def test_an_unchecked_or_rejected_file_is_only_downloaded_as_bytes(application, applicant_client):
    item = stored_file(application, state=FileState.WAITING, media_kind="", content_type="")
    r = applicant_client.get(reverse("evidence_download", args=[item.pk]))
    assert r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"].startswith("attachment")
    b"".join(r.streaming_content)  # read to the end (see above): the file is closed


def test_removing_from_the_page(world, application, applicant_client):
    keep = stored_file(application, EvidenceSlot.TEACHING_VIDEO)
    item = stored_file(application)
    admin = Client()
    admin.force_login(world.a.users[Role.SCHOOL_ADMIN])
    assert admin.post(reverse("evidence_remove", args=[item.pk])).status_code == 403
    assert applicant_client.get(reverse("evidence_remove", args=[item.pk])).status_code == 405
    r = applicant_client.post(reverse("evidence_remove", args=[item.pk]),
                              {"next": "https://evil.example/"})
    assert r.status_code == 302
    assert r["Location"] == reverse("application_detail", args=[application.pk])
    assert list(application.files.all()) == [keep]
    r = applicant_client.post(reverse("evidence_remove", args=[keep.pk]),
                              headers={"Accept": "application/json"})
    assert r.json() == {"removed": keep.pk}


def test_a_download_under_asgi_streams_from_an_async_iterator(world, application):
    """Under the ASGI server a file is sent chunk by chunk from an asynchronous iterator
    (Django's FileResponse over a plain file would be read whole into memory there)."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    data = bytes(range(256)) * 4096  # 1 MB
    item = stored_file(application, data=data, name="clip.mp4", content_type="video/mp4",
                       media_kind="video")
    url = reverse("evidence_download", args=[item.pk])

    async def fetch(headers):
        client = AsyncClient()
        await client.aforce_login(world.a.person.user)
        response = await client.get(url, headers=headers)
        chunks = [chunk async for chunk in response.streaming_content]
        return response, chunks

    whole, chunks = async_to_sync(fetch)({})
    assert (whole.status_code, whole.is_async) == (200, True)
    assert whole["Content-Length"] == str(len(data))
    assert b"".join(chunks) == data
    assert len(chunks) > 1
    assert max(map(len, chunks)) <= 256 * 1024
    part, chunks = async_to_sync(fetch)({"Range": "bytes=1000-1999"})
    assert (part.status_code, part["Content-Range"]) == (206, f"bytes 1000-1999/{len(data)}")
    assert b"".join(chunks) == data[1000:2000]
