"""A real Celery worker process consumes work that the portal queues.

Without REDIS_URL the broker is kombu's filesystem transport in DLEP_DATA_DIR (the demo set-up);
in CI, REDIS_URL points at the machine's Redis and the same test runs against it."""

import time
from pathlib import Path

import pytest

from accounts.tasks import send_email

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(celery_worker, tmp_path):
    mail_dir = tmp_path / "mail"
    queue, proc = celery_worker("itest", env={
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir)})
    return queue, mail_dir, proc


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
