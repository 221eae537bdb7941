"""Credential issuing for the demo province, done by a real Celery worker process.

The worker must reach the same database as this test. pytest-django's SQLite test database lives
in memory (``file:memorydb_default?mode=memory&cache=shared``), which no other process can
open, so on SQLite this test moves the connection to a database file of its own for its
duration (migrated here, handed to the worker as ``DATABASE_URL``) and puts the in-memory one
back afterwards. On PostgreSQL the test database (``test_<NAME>``) is a real database: the test
runs with ``transaction=True`` (the worker sees only committed rows) and the worker gets its
URL. The broker is the same as in tests/integration/test_worker.py (a folder in DLEP_DATA_DIR,
or REDIS_URL), with a queue of this test's own; the worker writes the files into this test's
MEDIA_ROOT and hashes with the production hasher (PBKDF2), as in a deployment.
"""

import io
import time
from pathlib import Path

import pytest
from django.conf import global_settings
from django.core.management import call_command
from django.urls import reverse

from accounts import issuing, tasks
from accounts.models import IssuingJob, JobStatus, Organization, User
from tests.accounts.test_issuing import NEW_PASSWORD, read_list, read_slips

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180


@pytest.fixture
def worker(shared_database, celery_worker):
    return celery_worker("itest-issuing", env={"DATABASE_URL": shared_database})


def wait_for(job: IssuingJob, proc) -> tuple[IssuingJob, set[int]]:
    deadline = time.monotonic() + TIMEOUT
    seen = set()
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen.add(job.done)
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            return job, seen
        if proc.poll() is not None:
            pytest.fail(f"worker died: {proc.stdout.read().decode(errors='replace')}")
        time.sleep(0.1)
    proc.terminate()
    output = proc.communicate(timeout=20)[0].decode(errors="replace")
    pytest.fail(f"the worker did not finish the job within {TIMEOUT} s (status {job.status}); "
                f"its output:\n{output}")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_issues_the_demo_province(worker, settings, client, monkeypatch):
    queue, proc = worker
    # The worker hashes with the production hasher; this process must be able to check it.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    # Send this test's job to this test's worker only.
    publish = tasks.issue_credentials.apply_async
    monkeypatch.setattr(tasks.issue_credentials, "apply_async",
                        lambda args, **options: publish(args, **{**options, "queue": queue}))
    call_command("seed_demo", stdout=io.StringIO())
    province = Organization.objects.get(code="48")
    admin = User.objects.get(username="province_admin")

    started = time.monotonic()
    job = issuing.start_issuing(actor=admin, organization=province)  # commits, then queues
    job, seen = wait_for(job, proc)
    elapsed = time.monotonic() - started
    assert job.status == JobStatus.DONE, job.error
    assert job.total == 10
    assert elapsed < 60  # ten PBKDF2 hashes on two cores: a few seconds
    assert len(seen) >= 2  # the progress moved while the worker hashed (0 → … → 10)

    with job.pdf.open("rb") as f:
        slips = read_slips(f.read())
    with job.xlsx.open("rb") as f:
        rows = read_list(f.read())
    assert len(slips) == 10
    assert [(r[1], r[4], r[5]) for r in rows[1:]] == [
        (s["code"], s["username"], s["password"]) for s in slips]

    # the requester downloads the slips; the passwords work once, before a forced change
    client.force_login(admin)
    download = client.get(reverse("issuing_pdf", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")  # read to the end: closed
    client.logout()
    for slip in slips[:3]:  # PBKDF2 in this process too: three accounts prove the point
        username, password = slip["username"], slip["password"]
        assert client.login(username=username, password=password), username
        assert client.get("/")["Location"] == reverse("password_change")
        r = client.post(reverse("password_change"), {
            "old_password": password, "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        })
        assert r.status_code == 302
        client.logout()
        assert not client.login(username=username, password=password)
        assert client.login(username=username, password=NEW_PASSWORD)
        client.logout()
