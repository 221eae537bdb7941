"""Evidence files uploaded through tus and checked end to end by a real Celery worker process
(RULES §4.4), on the same broker as tests/integration/test_worker.py (a folder in
DLEP_DATA_DIR, or REDIS_URL in CI) with a queue of this test's own, and the same database as
tests/integration/test_issuing_worker.py (a SQLite file, or the PostgreSQL test database)."""

import base64
import datetime
import http.client
import io
import os
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisal import tasks
from appraisal.choices import EvidenceSlot, FileState
from appraisal.models import EvidenceFile, Upload
from appraisal.services import evidence
from tests.appraisal.media_factory import (
    executable_bytes,
    make_application,
    pdf_bytes,
    stored_file,
    truncated,
    video_bytes,
)
from tests.factories import build_world

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def evidence_worker(shared_database, celery_worker, settings, tmp_path):
    settings.EVIDENCE_UPLOAD_DIR = tmp_path / "uploads"
    queue, proc = celery_worker("itest-evidence", env={"DATABASE_URL": shared_database,
                                                       "CLAMAV_URL": ""})
    settings.EVIDENCE_CHECK_QUEUE = queue  # what this process queues goes to this worker only
    return proc


def tus_upload(client, application, slot, data, *, position=1, name="file", chunk=64 * 1024):
    meta = {"application": application.pk, "slot": slot, "position": position, "filename": name}
    r = client.post(reverse("evidence_uploads"), headers={
        **TUS, "Upload-Length": str(len(data)),
        "Upload-Metadata": ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}"
                                    for k, v in meta.items())})
    assert r.status_code == 201, r.content
    url = urlsplit(r["Location"]).path
    for offset in range(0, len(data), chunk):
        r = client.generic("PATCH", url, data[offset:offset + chunk],
                           content_type="application/offset+octet-stream",
                           headers={**TUS, "Upload-Offset": str(offset)})
        assert r.status_code == 204, r.content


def wait_until_checked(application, proc) -> dict:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        files = list(EvidenceFile.objects.filter(application=application))
        if files and all(f.state in (FileState.VALID, FileState.REJECTED) for f in files):
            return {(f.slot, f.position): f for f in files}
        if proc.poll() is not None:
            pytest.fail(f"worker died: {proc.stdout.read().decode(errors='replace')}")
        time.sleep(0.2)
    proc.terminate()
    output = proc.communicate(timeout=20)[0].decode(errors="replace")
    states = list(EvidenceFile.objects.values_list("slot", "position", "state"))
    pytest.fail(f"not checked within {TIMEOUT} s: {states}; worker output:\n{output}")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_uploaded_evidence(evidence_worker, tmp_path):
    world = build_world()
    application = make_application(world.a)
    client = Client()
    client.force_login(world.a.person.user)

    started = time.monotonic()
    tus_upload(client, application, EvidenceSlot.LESSON_PLAN, pdf_bytes(10), name="แผน.pdf")
    tus_upload(client, application, EvidenceSlot.INSPIRATION_VIDEO,
               video_bytes(tmp_path, 601), name="inspiration.mp4")
    tus_upload(client, application, EvidenceSlot.TEACHING_VIDEO,
               truncated(video_bytes(tmp_path, 300, fps=5, size=(64, 48))), name="teaching.mp4")
    tus_upload(client, application, EvidenceSlot.OUTCOME, video_bytes(tmp_path, 600),
               position=1, name="outcome.mp4")
    tus_upload(client, application, EvidenceSlot.OUTCOME, video_bytes(tmp_path, 30),
               position=2, name="second.mp4")
    tus_upload(client, application, EvidenceSlot.OUTCOME, pdf_bytes(11), position=3,
               name="report.pdf")
    files = wait_until_checked(application, evidence_worker)
    elapsed = time.monotonic() - started

    assert files[("lesson_plan", 1)].state == FileState.VALID
    assert files[("lesson_plan", 1)].pages == 10
    assert files[("inspiration_video", 1)].state == FileState.REJECTED
    assert "10:01" in files[("inspiration_video", 1)].reason
    assert files[("teaching_video", 1)].state == FileState.REJECTED
    assert files[("outcome", 1)].state == FileState.VALID
    assert files[("outcome", 1)].duration_seconds == 600.0
    assert files[("outcome", 2)].state == FileState.REJECTED  # a second video
    assert files[("outcome", 2)].details["composition_reason"]
    assert "11 หน้า" in files[("outcome", 3)].reason
    assert all(f.attempts == 1 for f in files.values())
    assert elapsed < 60

    # the page shows them (the JSON the badges poll)
    body = client.get(reverse("evidence_state", args=[application.pk])).json()
    assert body["pending"] is False
    assert {f["state"] for f in body["files"]} == {"valid", "rejected"}

    # a valid file replaced by a bad one: only the new one is checked; it fails, and the valid
    # one stays the application's; the others stay as they were
    tus_upload(client, application, EvidenceSlot.LESSON_PLAN, executable_bytes(),
               name="plan.pdf")
    deadline = time.monotonic() + TIMEOUT
    new = EvidenceFile.all_files.get(application=application, replaces__isnull=False)
    while new.state not in (FileState.VALID, FileState.REJECTED) and time.monotonic() < deadline:
        time.sleep(0.2)
        new.refresh_from_db()
    assert new.state == FileState.REJECTED
    assert "PDF" in new.reason
    files_after = wait_until_checked(application, evidence_worker)
    assert files_after[("lesson_plan", 1)].pk == files[("lesson_plan", 1)].pk
    assert files_after[("lesson_plan", 1)].state == FileState.VALID
    for place in (("outcome", 1), ("outcome", 3), ("inspiration_video", 1)):
        assert files_after[place].pk == files[place].pk
        assert files_after[place].checked_at == files[place].checked_at


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_check_lost_with_its_worker_is_done_by_another(evidence_worker):
    """A worker died mid-check (the file is left CHECKING and the broker lost the message):
    the beat task queues it again and the live worker finishes it."""
    world = build_world()
    application = make_application(world.a)
    lost = stored_file(application, state=FileState.CHECKING, media_kind="", content_type="",
                       data=pdf_bytes(4), attempts=1, details={"task_id": "died"},
                       check_started_at=timezone.now() - datetime.timedelta(hours=1))
    assert tasks.requeue_stuck_checks() == 1
    files = wait_until_checked(application, evidence_worker)
    checked = files[(lost.slot, lost.position)]
    assert (checked.state, checked.pages, checked.attempts) == (FileState.VALID, 4, 2)


def noise_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (500, 420), os.urandom(500 * 420 * 3)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_connection_cut_mid_request_keeps_what_arrived(live_server, settings, tmp_path,
                                                        eager):
    """A real socket to a real server (no worker): the request announces the whole file, sends
    300 kB and hangs up; the bytes that arrived are kept and the upload resumes from there."""
    settings.EVIDENCE_UPLOAD_DIR = tmp_path / "uploads"
    world = build_world()
    application = make_application(world.a)
    client = Client()
    client.force_login(world.a.person.user)
    data = noise_png()
    assert len(data) > 600_000
    upload = Upload.objects.create(application=application, slot=EvidenceSlot.OUTCOME,
                                   filename="photo.png", length=len(data),
                                   created_by=world.a.person.user)
    secret = _get_new_csrf_string()
    cookies = f"sessionid={client.cookies['sessionid'].value}; csrftoken={secret}"
    auth = {"Cookie": cookies, "X-CSRFToken": _mask_cipher_secret(secret)}
    host, port = urlsplit(live_server.url).netloc.split(":")
    path = reverse("evidence_upload", args=[upload.pk])
    patch_type = "application/offset+octet-stream"
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall((f"PATCH {path} HTTP/1.1\r\nHost: {host}\r\nTus-Resumable: 1.0.0\r\n"
                      f"Content-Type: {patch_type}\r\nUpload-Offset: 0\r\n"
                      f"Content-Length: {len(data)}\r\nCookie: {cookies}\r\n"
                      f"X-CSRFToken: {auth['X-CSRFToken']}\r\n\r\n").encode())
        sock.sendall(data[:300_000])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if upload.offset:
            break
        time.sleep(0.05)
    assert upload.offset == 300_000
    conn = http.client.HTTPConnection(host, int(port))
    try:
        conn.request("HEAD", path, headers={**TUS, **auth})
        response = conn.getresponse()
        response.read()
        assert response.getheader("Upload-Offset") == "300000"
        conn.request("PATCH", path, body=data[300_000:], headers={
            **TUS, "Content-Type": patch_type, "Upload-Offset": "300000", **auth})
        response = conn.getresponse()
        response.read()
        assert response.status == 204
    finally:
        conn.close()
    made = EvidenceFile.objects.get()
    with made.file.open("rb") as f:
        assert f.read() == data
    assert (made.state, made.content_type) == (FileState.VALID, "image/png")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_check_whose_worker_is_killed_is_redone_by_another(shared_database, celery_worker,
                                                             settings, hung_port):
    """A real worker hangs in a check (its virus scanner never answers) and writes its
    heartbeat; it is killed; once the heartbeat is older than EVIDENCE_CHECK_LOST_SECONDS the
    beat task queues the check again and another worker does it."""
    world = build_world()
    application = make_application(world.a)
    file = stored_file(application, state=FileState.WAITING, media_kind="", content_type="",
                       data=pdf_bytes(2))
    queue, doomed = celery_worker("itest-doomed", env={
        "DATABASE_URL": shared_database, "CLAMAV_URL": f"tcp://127.0.0.1:{hung_port}",
        "EVIDENCE_CHECK_HEARTBEAT_SECONDS": "0.5"})
    settings.EVIDENCE_CHECK_QUEUE = queue
    tasks.queue_check(file.pk)
    beats = set()
    deadline = time.monotonic() + TIMEOUT
    while len(beats) < 3 and time.monotonic() < deadline:  # checking, and alive
        file.refresh_from_db()
        if file.state == FileState.CHECKING and file.heartbeat_at:
            beats.add(file.heartbeat_at)
        time.sleep(0.2)
    assert len(beats) >= 3, file.state
    doomed.kill()
    doomed.wait()

    settings.EVIDENCE_CHECK_LOST_SECONDS = 2
    time.sleep(2.5)
    queue, alive = celery_worker("itest-alive", env={"DATABASE_URL": shared_database,
                                                     "CLAMAV_URL": "",
                                                     "EVIDENCE_CHECK_LOST_SECONDS": "2"})
    settings.EVIDENCE_CHECK_QUEUE = queue
    assert evidence.stuck_file_ids() == [file.pk]
    assert tasks.requeue_stuck_checks() == 1
    files = wait_until_checked(application, alive)
    checked = files[(file.slot, file.position)]
    assert (checked.state, checked.pages, checked.attempts) == (FileState.VALID, 2, 2)
