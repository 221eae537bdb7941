"""Evidence straight to the object store (appraisal.services.direct_uploads and its JSON views),
against a real S3-protocol server (SeaweedFS, tests/conftest.py ``object_store``): create,
upload parts on signed links, break off and resume, complete, the worker's check by ranged
reads, the download by a signed link with Range, abort, and the clean-up of abandoned
multipart uploads."""

import datetime
import hashlib
import json
import time

import pytest
import requests
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from appraisal import tasks
from appraisal.choices import EvidenceSlot, FileState
from appraisal.models import EvidenceFile, Upload
from appraisal.services import direct_uploads, media
from core import objectstore
from tests.appraisal.media_factory import (
    make_application,
    padded_pdf_bytes,
    pdf_bytes,
    video_bytes,
)

MB = 1024 * 1024


@pytest.fixture
def small_parts(settings):
    settings.EVIDENCE_UPLOAD_CHUNK_BYTES = 5 * MB  # S3's smallest part: a few parts per file


@pytest.fixture
def application(world):
    return make_application(world.a)


@pytest.fixture
def teacher(world):
    client = Client()
    client.force_login(world.a.person.user)
    return client


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def create(client, application, data: bytes, *, slot=EvidenceSlot.LESSON_PLAN, position=1,
           name="แผนการสอน.pdf"):
    return post_json(client, reverse("evidence_direct_uploads"), {
        "application": application.pk, "slot": slot, "position": position, "filename": name,
        "size": len(data)})


def put_parts(client, upload: dict, data: bytes, numbers) -> None:
    urls = post_json(client, upload["sign_url"], {"parts": list(numbers)}).json()["urls"]
    size = upload["part_size"]
    for n in numbers:
        r = requests.put(urls[str(n)], data=data[(n - 1) * size:n * size], timeout=30)
        assert r.status_code == 200, r.text


def upload_whole(client, application, data: bytes, **kwargs) -> dict:
    r = create(client, application, data, **kwargs)
    assert r.status_code == 201, r.content
    upload = r.json()
    put_parts(client, upload, data, range(1, upload["part_count"] + 1))
    r = post_json(client, upload["complete_url"])
    assert r.status_code == 201, r.content
    return r.json()["file"]


def noise(n: int) -> bytes:
    return bytes(range(256)) * (n // 256) + b"x" * (n % 256)


@pytest.mark.django_db
def test_a_file_goes_to_the_store_in_parts_resumes_after_a_break_and_is_checked(
        s3, small_parts, application, teacher, world, eager,
        django_capture_on_commit_callbacks):
    data = padded_pdf_bytes(3, noise(12 * MB))  # a PDF, three parts of 5, 5 and 2 MB
    r = create(teacher, application, data)
    assert r.status_code == 201, r.content
    upload = r.json()
    assert (upload["part_count"], upload["part_size"]) == (3, 5 * MB)
    row = Upload.objects.get(pk=upload["id"])
    assert row.key.startswith(f"appraisal/evidence/{application.organization_id}/")

    put_parts(teacher, upload, data, [1, 3])  # the connection breaks before part 2
    state = teacher.get(upload["parts_url"]).json()
    assert [(p["number"], p["size"]) for p in state["parts"]] == [
        (1, 5 * MB), (3, len(data) - 10 * MB)]
    r = post_json(teacher, upload["complete_url"])  # too early: a part is missing
    assert r.status_code == 409
    assert "ไม่ครบ" in r.json()["error"]

    put_parts(teacher, upload, data, [2])  # resumed (another page, another web process)
    with django_capture_on_commit_callbacks(execute=True):
        r = post_json(teacher, upload["complete_url"])
    assert r.status_code == 201, r.content
    made = EvidenceFile.objects.get()
    assert made.file.name == row.key
    assert made.size == len(data)
    assert (made.state, made.pages) == (FileState.VALID, 3)  # checked where it lies
    stored = s3.client().get_object(Bucket=objectstore.bucket(), Key=row.key)["Body"].read()
    assert hashlib.sha256(stored).digest() == hashlib.sha256(data).digest()

    # the download: a redirect to a short-lived signed link, audited; the store answers Range
    r = teacher.get(reverse("evidence_download", args=[made.pk]))
    assert r.status_code == 302
    link = r["Location"]
    assert link.startswith(s3.endpoint)
    assert "X-Amz-Signature" in link
    assert AuditEvent.objects.filter(action="appraisal.evidence.download",
                                     target_id=str(made.pk)).count() == 1
    got = requests.get(link, headers={"Range": "bytes=6000000-6000099"}, timeout=30)
    assert got.status_code == 206
    assert got.content == data[6000000:6000100]
    assert got.headers["Content-Type"] == "application/pdf"
    assert f"evidence-{made.pk}.pdf" in got.headers["Content-Disposition"]
    # nobody else: the file is out of reach (404), no link is signed
    outsider = Client()
    outsider.force_login(world.b.person.user)
    assert outsider.get(reverse("evidence_download", args=[made.pk])).status_code == 404


@pytest.mark.django_db
def test_links_expire_and_are_checked_by_the_store(s3, settings, application, teacher):
    made = upload_whole(teacher, application, pdf_bytes(1))
    settings.EVIDENCE_LINK_SECONDS = 1
    link = teacher.get(reverse("evidence_download", args=[made["id"]]))["Location"]
    assert requests.get(link, timeout=30).status_code == 200
    time.sleep(2.1)
    assert requests.get(link, timeout=30).status_code == 403
    forged = link.replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert requests.get(forged, timeout=30).status_code == 403


@pytest.mark.django_db
def test_sizes_and_rights_are_checked_at_every_step(s3, small_parts, settings, application,
                                                    teacher, world):
    settings.EVIDENCE_MAX_DOCUMENT_BYTES = 8 * MB
    too_big = create(teacher, application, b"x" * (9 * MB))
    assert too_big.status_code == 413
    assert "ใหญ่เกินกำหนด" in too_big.json()["error"]
    assert not Upload.objects.exists()

    data = noise(7 * MB)
    upload = create(teacher, application, data).json()
    r = post_json(teacher, upload["sign_url"], {"parts": [3]})  # a 7 MB file has 2 parts
    assert r.status_code == 400
    # someone else's upload does not exist for them
    other = Client()
    other.force_login(world.b.person.user)
    assert post_json(other, upload["sign_url"], {"parts": [1]}).status_code == 404
    assert other.get(upload["parts_url"]).status_code == 404
    # a part bigger than announced is stored by the store, but never completed
    urls = post_json(teacher, upload["sign_url"], {"parts": [1, 2]}).json()["urls"]
    requests.put(urls["1"], data=data[:5 * MB], timeout=30)
    requests.put(urls["2"], data=data[5 * MB:] + b"extra", timeout=30)
    r = post_json(teacher, upload["complete_url"])
    assert r.status_code == 409
    assert "ไม่ตรงกับที่แจ้งไว้" in r.json()["error"]
    assert not EvidenceFile.objects.exists()


@pytest.mark.django_db
def test_abort_and_the_clean_up_of_abandoned_multipart_uploads(
        s3, small_parts, settings, application, teacher, django_capture_on_commit_callbacks):
    client = s3.client()
    bucket = objectstore.bucket()
    data = noise(6 * MB)
    aborted = create(teacher, application, data).json()
    put_parts(teacher, aborted, data, [1])
    row = Upload.objects.get(pk=aborted["id"])
    with django_capture_on_commit_callbacks(execute=True):
        assert teacher.delete(aborted["parts_url"]).status_code == 204
    with pytest.raises(client.exceptions.NoSuchUpload):
        client.list_parts(Bucket=bucket, Key=row.key, UploadId=row.multipart_id)

    abandoned = create(teacher, application, data, slot=EvidenceSlot.TEACHING_VIDEO,
                       name="clip.mp4").json()
    put_parts(teacher, abandoned, data, [1])
    row = Upload.objects.get(pk=abandoned["id"])
    assert tasks.purge_abandoned_uploads() == 0
    Upload.objects.filter(pk=row.pk).update(updated_at=timezone.now() - datetime.timedelta(
        hours=settings.EVIDENCE_UPLOAD_EXPIRY_HOURS + 1))
    assert tasks.purge_abandoned_uploads() == 1
    with pytest.raises(client.exceptions.NoSuchUpload):
        client.list_parts(Bucket=bucket, Key=row.key, UploadId=row.multipart_id)
    assert not Upload.objects.exists()

    # one whose row is gone (an abort that failed) goes once it is older than the expiry
    stray = client.create_multipart_upload(Bucket=bucket, Key="appraisal/evidence/9/stray.bin")
    assert direct_uploads.abort_strays() == 0
    later = timezone.now() + datetime.timedelta(hours=settings.EVIDENCE_UPLOAD_EXPIRY_HOURS + 1)
    assert direct_uploads.abort_strays(now=later) >= 1
    with pytest.raises(client.exceptions.NoSuchUpload):
        client.list_parts(Bucket=bucket, Key="appraisal/evidence/9/stray.bin",
                          UploadId=stray["UploadId"])


@pytest.mark.django_db
def test_the_worker_reads_a_video_in_the_store_by_ranges(s3, tmp_path):
    data = video_bytes(tmp_path, 30)
    client = s3.client()
    client.put_object(Bucket=objectstore.bucket(), Key="appraisal/evidence/1/v.mp4", Body=data)
    source = media.Source(key="appraisal/evidence/1/v.mp4")
    info = media.inspect(source)
    assert (info.media_kind, info.duration_seconds, info.problem) == ("video", 30.0, None)
    with source.open() as f:
        f.seek(len(data) - 10)
        assert f.read() == data[-10:]
        assert f.raw.requests == 1  # one ranged GET, not the whole object


@pytest.mark.django_db
def test_the_upload_page_offers_direct_uploads_with_object_storage(s3, application, teacher):
    page = teacher.get(reverse("application_detail", args=[application.pk])).content.decode()
    assert 'data-mode="direct"' in page
    assert reverse("evidence_direct_uploads") in page
    assert "tus.min.js" not in page
