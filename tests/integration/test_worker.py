"""A real Celery worker process consumes work that the portal queues.

Without REDIS_URL the broker is kombu's filesystem transport in DLEP_DATA_DIR (the demo set-up);
in CI, REDIS_URL points at the machine's Redis and the same test runs against it."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tasks import send_email

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(tmp_path):
    queue = f"itest-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DLEP_DATA_DIR": str(settings.DATA_DIR),  # the same broker folder as this process
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dlep", "worker", "-Q", queue, "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        yield queue, mail_dir, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


@pytest.mark.integration
def test_a_real_worker_sends_the_email_the_portal_queued(worker):
    queue, mail_dir, proc = worker
    send_email.apply_async(
        (["kru@example.test"], "ทดสอบส่งอีเมล", "เนื้อหาภาษาไทย ๑๒๓"), queue=queue
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        files = list(mail_dir.glob("*.log")) if mail_dir.exists() else []
        if files:
            break
        if proc.poll() is not None:
            pytest.fail(f"worker died: {proc.stdout.read().decode(errors='replace')}")
        time.sleep(0.2)
    else:
        pytest.fail("the worker did not send the email within 60 s")
    text = files[0].read_text(encoding="utf-8")
    assert "kru@example.test" in text
    assert "ทดสอบส่งอีเมล" in text or "=?utf-8?" in text
