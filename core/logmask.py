"""National ID numbers out of the logs (PDPA): a 13-digit number, written straight
(1234567890123) or in the card's groups 1-2345-67890-12-3 (dashes, spaces, or a URL's ``+`` or
``%20``), is masked in every log line that passes a handler with :class:`MaskNationalIds`: the
web server's access log (core/gunicorn_logging.py) and Django's own request logging (settings
``LOGGING``). Other numbers (a date, a size, a 12- or 14-digit number) are left as they are.
"""

from __future__ import annotations

import logging
import re

_SEPARATOR = r"(?:-|\s|\+|%20)"
NATIONAL_ID = re.compile(
    rf"(?<![0-9])(?:[0-9]{{13}}|[0-9]{_SEPARATOR}[0-9]{{4}}{_SEPARATOR}[0-9]{{5}}"
    rf"{_SEPARATOR}[0-9]{{2}}{_SEPARATOR}[0-9])(?![0-9])")
_DIGIT = re.compile(r"[0-9]")


def mask_national_ids(text: str) -> str:
    """``text`` with the digits of every national ID in it replaced by ``x``."""
    return NATIONAL_ID.sub(lambda m: _DIGIT.sub("x", m.group(0).replace("%20", " ")), text)


def _masked(value):
    return mask_national_ids(value) if isinstance(value, str) else value


class MaskNationalIds(logging.Filter):
    """A handler's filter: masks the message and its string arguments in place (the arguments
    stay a tuple or a mapping, as a formatter that reads them, uvicorn's for one, expects)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _masked(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_masked(value) for value in record.args)
        return True
