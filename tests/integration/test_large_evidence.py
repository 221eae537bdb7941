"""A 2 GB classroom video in the object store: playing starts within a second of the click
(the web process answers with a signed link; the store answers the Range request), and
neither the web process serving it nor the worker checking it grows by more than 100 MB.

The video is real (PyAV, 10 minutes) with its index (moov) at the end and its media data box
padded with zeros to 2 GiB: FFmpeg must seek over the padding to find the index, as in a real
recording; the padding itself is never read, so the check takes seconds. It is sent to the
store by multipart from here, the zero parts cut from one reused buffer (no 2 GB file on disk
here, none in memory)."""

import struct
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest
import requests
from django.urls import reverse

from appraisal.choices import EvidenceSlot, FileState
from appraisal.models import EvidenceFile
from tests.appraisal.media_factory import make_application, video_bytes, write_video
from tests.factories import build_world
from tests.integration.test_evidence_worker import wait_until_checked
from tests.integration.test_stateless_web import session_for

MB = 1024 * 1024
TOTAL = 2 * 1024 ** 3
PART = 64 * MB


def _atoms(data: bytes):
    i = 0
    while i < len(data):
        size, kind = struct.unpack(">I4s", data[i:i + 8])
        yield kind.decode(), i, size
        i += size


def padded_video_parts(tmp_path, total: int):
    """(part number, bytes) of an MP4 of ``total`` bytes: ftyp, mdat(payload + zeros), moov."""
    data = write_video(tmp_path / "lesson.mp4", 600, size=(64, 48)).read_bytes()
    found = {kind: (i, size) for kind, i, size in _atoms(data)}
    assert list(found)[-1] == "moov", list(found)
    at, size = found["mdat"]
    payload, moov = data[at + 8:at + size], data[found["moov"][0]:]
    pad = total - at - 8 - len(payload) - len(moov)
    head = data[:at] + struct.pack(">I4s", 8 + len(payload) + pad, b"mdat") + payload
    zeros = bytes(PART)
    pieces = [(0, head), (len(head), None), (len(head) + pad, moov)]
    ends = [len(head), len(head) + pad, total]
    position, number = 0, 0
    while position < total:
        n = min(PART, total - position)
        out = bytearray()
        for (start, blob), end in zip(pieces, ends, strict=True):
            lo, hi = max(position, start), min(position + n, end)
            if lo < hi:
                out += blob[lo - start:hi - start] if blob is not None else zeros[:hi - lo]
        number += 1
        yield number, bytes(out)
        position += n


def rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_2_gb_video_plays_at_once_and_is_checked_in_bounded_memory(
        shared_database, web_server, celery_worker, settings, object_store, s3, tmp_path):
    env = {"DATABASE_URL": shared_database, **object_store.env, "CLAMAV_URL": ""}
    base, web = web_server(env=env)
    queue, worker = celery_worker("itest-large", env=env)
    settings.EVIDENCE_CHECK_QUEUE = queue
    bucket = object_store.env["AWS_STORAGE_BUCKET_NAME"]
    client = object_store.client()
    world = build_world()
    application = make_application(world.a)
    browser = session_for(world.a.person.user)

    # warm up both processes on a small video (imports, connections), then measure
    small_key = f"appraisal/evidence/{application.organization_id}/small.mp4"
    client.put_object(Bucket=bucket, Key=small_key, Body=video_bytes(tmp_path, 60))
    small = EvidenceFile.objects.create(
        application=application, slot=EvidenceSlot.TEACHING_VIDEO, position=1,
        file=small_key, original_name="small.mp4", size=client.head_object(
            Bucket=bucket, Key=small_key)["ContentLength"], uploaded_by=world.a.person.user)
    from appraisal import tasks

    tasks.queue_check(small.pk)
    assert wait_until_checked(application, worker)[(small.slot, 1)].state == FileState.VALID
    warm = browser.get(base + reverse("evidence_download", args=[small.pk]),
                       allow_redirects=False)
    requests.get(warm.headers["Location"], headers={"Range": "bytes=0-1023"}, timeout=30)
    web_before, worker_before = rss(psutil.Process(web.pid)), rss(psutil.Process(worker.pid))

    key = f"appraisal/evidence/{application.organization_id}/lesson.mp4"
    started = time.monotonic()
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]

    def send(part):
        n, body = part
        return {"PartNumber": n, "ETag": client.upload_part(
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=body)["ETag"]}

    parts, batch = [], []
    with ThreadPoolExecutor(max_workers=4) as pool:  # at most 4 parts in memory at once
        for part in padded_video_parts(tmp_path, TOTAL):
            batch.append(part)
            if len(batch) == 4:
                parts += pool.map(send, batch)
                batch = []
        parts += pool.map(send, batch)
    client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                     MultipartUpload={"Parts": parts})
    assert client.head_object(Bucket=bucket, Key=key)["ContentLength"] == TOTAL
    uploaded_in = time.monotonic() - started

    big = EvidenceFile.objects.create(
        application=application, slot=EvidenceSlot.OUTCOME, position=1, file=key,
        original_name="lesson.mp4", size=TOTAL, uploaded_by=world.a.person.user)
    peak = worker_before
    tasks.queue_check(big.pk)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        peak = max(peak, rss(psutil.Process(worker.pid)))
        big.refresh_from_db()
        if big.state in (FileState.VALID, FileState.REJECTED):
            break
        time.sleep(0.05)
    assert big.state == FileState.VALID, (big.reason, big.details)
    assert big.duration_seconds == 600.0
    assert peak - worker_before < 100 * MB, f"worker grew {(peak - worker_before) / MB:.0f} MB"

    # the click: the portal's link, then the store's first bytes of a Range request
    clicked = time.monotonic()
    link = browser.get(base + reverse("evidence_download", args=[big.pk]), allow_redirects=False)
    assert link.status_code == 302
    with requests.get(link.headers["Location"], headers={"Range": "bytes=0-"}, stream=True,
                      timeout=30) as played:
        first = next(played.iter_content(64 * 1024))
        first_byte = time.monotonic() - clicked
        assert played.status_code == 206
        assert played.headers["Content-Range"] == f"bytes 0-{TOTAL - 1}/{TOTAL}"
    assert first[4:8] == b"ftyp"
    assert first_byte < 1.0, f"first byte after {first_byte:.2f} s"
    seek = requests.get(link.headers["Location"], timeout=30,
                        headers={"Range": f"bytes={TOTAL - 100}-{TOTAL - 1}"})
    assert (seek.status_code, len(seek.content)) == (206, 100)
    web_after = rss(psutil.Process(web.pid))
    assert web_after - web_before < 100 * MB, f"web grew {(web_after - web_before) / MB:.0f} MB"
    sys.stderr.write(f"2 GB: sent to the store in {uploaded_in:.1f} s; checked with the worker at "
          f"+{(peak - worker_before) / MB:.0f} MB; first byte {first_byte * 1000:.0f} ms; "
          f"web +{(web_after - web_before) / MB:.0f} MB\n")
