"""Celery work of accounts. Tasks take plain values (ids, addresses), never model objects."""

from celery import shared_task
from django.core.mail import send_mail


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(self, to: list[str], subject: str, body: str, html: str | None = None) -> int:
    """Send one email. Services queue it in ``transaction.on_commit`` so that nothing is sent
    for a change that was rolled back."""
    return send_mail(subject, body, None, to, html_message=html)


@shared_task
def issue_credentials(job_id: int) -> None:
    """Create the accounts of one issuing job and its slips (``accounts.issuing.run_job``).
    Idempotent: a finished job is left alone; failures are written to the job, not retried."""
    from . import issuing

    issuing.run_job(job_id)
