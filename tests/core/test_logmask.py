"""National ID numbers masked in the logs (core/logmask.py): the masker, the gunicorn logger
class of make run and the Docker image, and Django's own request logging (settings LOGGING)."""

import io
import logging
import re

import pytest

from core.logmask import MaskNationalIds, mask_national_ids

THIRTEEN = re.compile(r"[0-9](?:[-\s+]?[0-9]){12}")


@pytest.mark.parametrize(("line", "masked"), [
    ("GET /personnel/?q=1234567890123 HTTP/1.1", "GET /personnel/?q=xxxxxxxxxxxxx HTTP/1.1"),
    ("id 1-2345-67890-12-3.", "id x-xxxx-xxxxx-xx-x."),
    ("q=1+2345+67890+12+3&page=2", "q=x+xxxx+xxxxx+xx+x&page=2"),
    ("q=1%202345%2067890%2012%203", "q=x xxxx xxxxx xx x"),
    ("1 2345 67890 12 3", "x xxxx xxxxx xx x"),
])
def test_national_ids_are_masked(line, masked):
    assert mask_national_ids(line) == masked


@pytest.mark.parametrize("line", [
    '127.0.0.1 - - [07/Dec/2026:19:00:21 +0000] "GET /a/?page=2 HTTP/1.1" 200 1234567890',
    "a 12-digit 123456789012 and a 14-digit 12345678901234 number",
    "2026-12-07 19:00:21,123 pid 12345 took 0.123456789012s",
    "10.0.0.1:54321 phone 02-141-1234 order 1-2345-6789-12-3",
])
def test_other_numbers_are_left_alone(line):
    assert mask_national_ids(line) == line


def logged_through(handlers, action) -> str:
    """What ``handlers`` (stream handlers among them) write while ``action`` runs."""
    streams = {h: io.StringIO() for h in handlers if isinstance(h, logging.StreamHandler)}
    old = {h: h.setStream(stream) for h, stream in streams.items()}
    try:
        action()
    finally:
        for h, stream in old.items():
            h.setStream(stream)
    return "".join(s.getvalue() for s in streams.values())


def _stream_of(handler) -> io.StringIO:
    stream = io.StringIO()
    handler.setStream(stream)
    return stream


def test_the_gunicorn_logger_masks_its_access_log_and_uvicorns():
    """`--logger-class core.gunicorn_logging.MaskingLogger`: gunicorn's access lines (a mapping
    of atoms) and uvicorn's (its worker logs through the same handlers, a tuple of arguments)."""
    from gunicorn.config import Config

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("logger_class", "core.gunicorn_logging.MaskingLogger")
    log = cfg.logger_class(cfg)
    stream = _stream_of(log.access_log.handlers[0])
    log.access_log.info('%(h)s "%(r)s" %(s)s', {
        "h": "10.0.0.1", "r": "GET /personnel/?q=1234567890123 HTTP/1.1", "s": "200"})
    uvicorn = logging.getLogger("uvicorn.access.test")
    uvicorn.handlers, uvicorn.propagate = log.access_log.handlers, False
    uvicorn.setLevel(logging.INFO)
    uvicorn.info('%s - "%s %s HTTP/%s" %d', "10.0.0.1:5000", "GET",
                 "/appraisal/queue/?q=1-2345-67890-12-3&page=2", "1.1", 200)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert not any(THIRTEEN.search(line) for line in lines), lines
    assert "q=xxxxxxxxxxxxx" in lines[0]
    assert '" 200' in lines[0]
    assert "q=x-xxxx-xxxxx-xx-x&page=2 HTTP/1.1\" 200" in lines[1]


@pytest.mark.django_db
def test_djangos_request_logging_is_masked(client):
    """A 404 with a national ID in its path: Django's "Not Found: …" line."""
    handlers = {h for name in ("", "django", "django.request", "django.server")
                for h in logging.getLogger(name).handlers}
    assert handlers
    assert all(any(isinstance(f, MaskNationalIds) for f in h.filters)
                            for h in handlers)
    text = logged_through(handlers, lambda: client.get("/personnel/1234567890123/nothing/"))
    assert "Not Found" in text
    assert not THIRTEEN.search(text), text
