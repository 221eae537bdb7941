import logging

from django.conf import settings
from django.db import transaction

from core.middleware import queue_errors

from .models import Notification
from .tasks import send_email

log = logging.getLogger(__name__)


def email_after_commit(to: list[str], subject: str, body: str, html: str | None = None) -> None:
    """Queue an email for the worker once the surrounding transaction commits. With the broker
    away the change still stands and the bell still rings (the notification is in the
    database); the email is dropped and logged, never a server error for the user."""

    def send() -> None:
        try:
            send_email.delay(list(to), str(subject), str(body), html)
        except queue_errors() as exc:
            log.warning("email not queued (broker unavailable: %s): %s", type(exc).__name__,
                        str(subject)[:80])

    transaction.on_commit(send)


def notify(users, subject: str, body: str = "", url: str = "", *, email: bool = True) -> None:
    """Tell ``users`` in the portal (the bell) and, when they have an address, by email.

    Written inside the caller's transaction: a rolled-back change notifies nobody."""
    users = list({u.pk: u for u in users if u is not None and u.is_active}.values())
    Notification.objects.bulk_create(
        Notification(user=u, subject=str(subject)[:200], body=str(body), url=url) for u in users
    )
    addresses = sorted({u.email for u in users if u.email})
    if email and addresses:
        # the bell keeps the portal's own path; an email needs the whole address
        link = settings.PORTAL_URL.rstrip("/") + url if url.startswith("/") else url
        text = f"{body}\n\n{link}" if link else str(body)
        for address in addresses:  # one email each: recipients must not see each other
            email_after_commit([address], subject, text)
