from django.db import transaction

from .tasks import send_email


def email_after_commit(to: list[str], subject: str, body: str, html: str | None = None) -> None:
    """Queue an email for the worker once the surrounding transaction commits."""
    transaction.on_commit(lambda: send_email.delay(list(to), str(subject), str(body), html))
