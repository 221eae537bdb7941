from django.conf import settings
from django.db import transaction

from .models import Notification
from .tasks import send_email


def email_after_commit(to: list[str], subject: str, body: str, html: str | None = None) -> None:
    """Queue an email for the worker once the surrounding transaction commits."""
    transaction.on_commit(lambda: send_email.delay(list(to), str(subject), str(body), html))


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
