"""The local card-reader agent: the ID card is in a reader on the user's own computer, not on the
server, so a small HTTP service there reads it for the portal's page.

    python -m cardreader.agent [--port 8765] [--allow-origin https://dlep.example.go.th]

* listens on 127.0.0.1 only; ``GET /status`` (readers, is a card in) and ``POST /read``
  (``{"photo": true}`` to get the photo as well);
* answers browsers only from the portal's origins (CORS; ``CARDREADER_ALLOWED_ORIGINS``,
  comma-separated, or ``--allow-origin``), and only when addressed as 127.0.0.1/localhost (a page
  that rebinds its own host name to 127.0.0.1 is refused);
* keeps nothing: card data lives in memory for one response and is never logged or written.

Standard library and pyscard only: no Django on the user's computer.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import reader as pcsc_reader
from .errors import CardReaderError, NoReaderError, ReaderBusyError

log = logging.getLogger("cardreader.agent")

HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_ORIGINS = ("http://127.0.0.1:8000", "http://localhost:8000")
AGENT_NAME = "dlep-cardreader"
API_VERSION = 1
MAX_BODY = 1024
READ_WAIT_SECONDS = 15


def normalize_origin(origin: str) -> str:
    """``HTTPS://Portal.example/`` → ``https://portal.example`` (browsers send it this way)."""
    parts = urlsplit(origin.strip())
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def origins_from(values: Iterable[str]) -> frozenset[str]:
    return frozenset(o for o in (normalize_origin(v) for v in values) if o)


class Agent:
    """What the HTTP handler needs: the allowed origins and the functions that touch the card
    (swapped for fakes in unit tests)."""

    def __init__(self, *, origins: Iterable[str] = DEFAULT_ORIGINS, reader: str | None = None,
                 read_card: Callable | None = None, status: Callable | None = None):
        self.origins = origins_from(origins)
        self.reader = reader
        self._read_card = read_card or pcsc_reader.read_card
        self._status = status or pcsc_reader.status
        self._lock = threading.Lock()  # one read at a time: one card, one reader

    def read(self, *, photo: bool) -> dict:
        if not self._lock.acquire(timeout=READ_WAIT_SECONDS):
            raise ReaderBusyError()
        try:
            card = self._read_card(reader=self.reader, photo=photo)
        finally:
            self._lock.release()
        return {"card": card.as_json(photo=photo), "registration": card.registration_fields()}

    def status(self) -> dict:
        answer = {"agent": AGENT_NAME, "version": API_VERSION}
        try:
            readers = self._status()["readers"]
        except CardReaderError as exc:
            return {**answer, "ready": False, "readers": [], "card_present": False,
                    **exc.as_json()}
        if self.reader is not None:
            readers = [r for r in readers if r["name"] == self.reader]
        present = any(r["card_present"] for r in readers)
        answer.update(ready=bool(readers), readers=readers, card_present=present)
        if not readers:
            answer.update(NoReaderError().as_json())
        return answer


class AgentHandler(BaseHTTPRequestHandler):
    server_version = AGENT_NAME
    sys_version = ""
    agent: Agent  # set on the subclass made by make_server()

    # --- plumbing ------------------------------------------------------------------------------
    def log_request(self, code="-", size="-"):
        # Method, path and status only: never a body, never a header value.
        log.info("%s %s %s", self.command, urlsplit(self.path).path, code)

    def log_message(self, format, *args):
        log.warning("%s", format % args)

    def _host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        port = self.server.server_address[1]
        return host in {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}

    def _origin(self) -> tuple[bool, str]:
        """(allowed, origin). No Origin header: a local program, not a web page — allowed."""
        origin = self.headers.get("Origin")
        if origin is None:
            return True, ""
        origin = normalize_origin(origin)
        return origin in self.agent.origins, origin

    def _send(self, status: int, body: dict | None, *, origin: str = "",
              extra: dict[str, str] | None = None) -> None:
        payload = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Vary", "Origin")
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    def _guard(self) -> tuple[bool, str]:
        """Refuse a foreign Host (DNS rebinding) and a foreign Origin, without CORS headers."""
        if not self._host_ok():
            self._send(HTTPStatus.FORBIDDEN, {"error": "host", "message": "forbidden host"})
            return False, ""
        allowed, origin = self._origin()
        if not allowed:
            self._send(HTTPStatus.FORBIDDEN, {"error": "origin",
                                              "message": "origin not allowed"})
            return False, ""
        return True, origin

    # --- routes --------------------------------------------------------------------------------
    def do_OPTIONS(self):
        ok, origin = self._guard()
        if not ok:
            return
        extra = {
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600",
        }
        # Chrome's Private Network Access: a page of the portal asks to reach this machine.
        if self.headers.get("Access-Control-Request-Private-Network") == "true":
            extra["Access-Control-Allow-Private-Network"] = "true"
        self._send(HTTPStatus.NO_CONTENT, None, origin=origin, extra=extra)

    def do_GET(self):
        ok, origin = self._guard()
        if not ok:
            return
        if urlsplit(self.path).path != "/status":
            self._send(HTTPStatus.NOT_FOUND, {"error": "not_found"}, origin=origin)
            return
        self._send(HTTPStatus.OK, self.agent.status(), origin=origin)

    def do_POST(self):
        ok, origin = self._guard()
        if not ok:
            return
        if urlsplit(self.path).path != "/read":
            self._send(HTTPStatus.NOT_FOUND, {"error": "not_found"}, origin=origin)
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._send(HTTPStatus.BAD_REQUEST, {"error": "bad_request"}, origin=origin)
            return
        try:
            options = json.loads(self.rfile.read(length) or b"{}")
            if not isinstance(options, dict):
                raise ValueError
        except ValueError:
            self._send(HTTPStatus.BAD_REQUEST, {"error": "bad_request"}, origin=origin)
            return
        try:
            answer = self.agent.read(photo=options.get("photo") is True)
        except CardReaderError as exc:
            self._send(exc.http_status, exc.as_json(), origin=origin)
            return
        self._send(HTTPStatus.OK, answer, origin=origin)


class AgentServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(agent: Agent, port: int = DEFAULT_PORT) -> AgentServer:
    """The server bound to 127.0.0.1:``port`` (0: any free port); ``serve_forever()`` it."""
    handler = type("BoundAgentHandler", (AgentHandler,), {"agent": agent})
    return AgentServer((HOST, port), handler)


def _env_origins() -> list[str]:
    value = os.environ.get("CARDREADER_ALLOWED_ORIGINS", "")
    return [v for v in value.split(",") if v.strip()] or list(DEFAULT_ORIGINS)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m cardreader.agent",
        description="D-LEP: โปรแกรมอ่านบัตรประชาชนบนเครื่องของผู้ใช้ (local ID card reader agent)",
    )
    parser.add_argument("--port", type=int,
                        default=int(os.environ.get("CARDREADER_AGENT_PORT", DEFAULT_PORT)),
                        help="port on 127.0.0.1 (default 8765, or CARDREADER_AGENT_PORT)")
    parser.add_argument("--allow-origin", action="append", dest="origins", metavar="ORIGIN",
                        help="the portal's origin, e.g. https://dlep.example.go.th; repeatable "
                             "(default: CARDREADER_ALLOWED_ORIGINS, comma-separated, or "
                             + ", ".join(DEFAULT_ORIGINS) + ")")
    parser.add_argument("--reader", help="use only this reader (default: the one with a card)")
    parser.add_argument("--log-level", default=os.environ.get("CARDREADER_LOG_LEVEL", "INFO"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        import smartcard  # noqa: F401
    except ImportError:
        sys.stderr.write("ยังไม่ได้ติดตั้ง pyscard: pip install -r requirements-cardreader.txt\n"
                         "pyscard is not installed: pip install -r requirements-cardreader.txt\n")
        return 2
    agent = Agent(origins=args.origins or _env_origins(), reader=args.reader)
    if not agent.origins:
        sys.stderr.write("no valid --allow-origin\n")
        return 2
    try:
        server = make_server(agent, args.port)
    except OSError as exc:
        sys.stderr.write(f"พอร์ต {args.port} ใช้งานไม่ได้ (port {args.port} unavailable): {exc}\n")
        return 2
    port = server.server_address[1]
    # Printed (not only logged) so a launcher can read the port; flush for pipes.
    print(f"D-LEP card reader agent: http://{HOST}:{port} "  # noqa: T201
          f"(origins: {', '.join(sorted(agent.origins))}); Ctrl-C stops", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
