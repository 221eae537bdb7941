"""Celery work of accounts. Tasks take plain values (ids, addresses), never model objects."""

from celery import shared_task
from django.core.mail import send_mail


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(self, to: list[str], subject: str, body: str, html: str | None = None) -> int:
    """Send one email. Services queue it in ``transaction.on_commit`` so that nothing is sent
    for a change that was rolled back."""
    return send_mail(subject, body, None, to, html_message=html)
