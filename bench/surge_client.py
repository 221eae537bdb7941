"""The clients of ``make bench-surge``: throttled asyncio HTTP/1.1 (a teacher's slow uplink, an
assessor's slow downlink), the latency probe, and the web server's memory.

Each transfer paces itself (bytes sent or read so far over the rate); a download's socket has
a small receive buffer, so the server really meets a slow reader. Bytes on connections to the
web server are counted (``Counter``); the object store's are not: that is ``bytes_through_web``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import psutil

BLOCK = 16 * 1024  # read size
SEND_BLOCK = 64 * 1024  # an upload is paced in blocks of this size


@dataclass
class Counter:
    web_port: int
    bytes: int = 0

    def add(self, port: int, n: int) -> None:
        if port == self.web_port:
            self.bytes += n


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    length: int
    digest: str = ""
    seconds: float = 0.0
    first_byte: float = 0.0
    extra: dict = field(default_factory=dict)


async def _connect(host: str, port: int, rcvbuf: int | None = None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (host, port))
    return await asyncio.open_connection(sock=sock)


async def request(url: str, *, method: str = "GET", headers: dict | None = None,
                  body: bytes = b"", up_rate: float | None = None,
                  down_rate: float | None = None, counter: Counter | None = None,
                  keep_body: int = 2_000_000, rcvbuf: int | None = None,
                  timeout: float = 600) -> Response:
    """One request on a new connection (Connection: close), paced both ways."""
    import hashlib

    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    reader, writer = await asyncio.wait_for(_connect(host, port, rcvbuf), 30)
    count = (lambda n: counter.add(port, n)) if counter else (lambda n: None)
    try:
        lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close",
                 f"Content-Length: {len(body)}"] if body or method in ("POST", "PUT", "PATCH") \
            else [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin1")
        writer.write(head)
        count(len(head))
        sent = 0
        sending = time.monotonic()
        view = memoryview(body)
        while sent < len(body):
            chunk = view[sent:sent + SEND_BLOCK]
            writer.write(chunk)
            await writer.drain()
            sent += len(chunk)
            count(len(chunk))
            if up_rate:
                delay = sent / up_rate - (time.monotonic() - sending)
                if delay > 0:
                    await asyncio.sleep(delay)
        await writer.drain()
        raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        first_byte = time.monotonic() - started
        count(len(raw))
        status_line, *header_lines = raw.decode("latin1").split("\r\n")
        status = int(status_line.split()[1])
        response_headers = {}
        for line in header_lines:
            if line:
                key, _sep, value = line.partition(":")
                response_headers[key.strip().lower()] = value.strip()
        digest = hashlib.sha256()
        kept = bytearray()
        got = 0
        reading = time.monotonic()
        want = int(response_headers.get("content-length", -1))
        chunked = response_headers.get("transfer-encoding", "").lower() == "chunked"

        async def take(n: int) -> bytes:
            nonlocal got
            data = await asyncio.wait_for(reader.read(n), timeout)
            count(len(data))
            return data

        async def consume(data: bytes) -> None:
            nonlocal got
            got += len(data)
            digest.update(data)
            if len(kept) < keep_body:
                kept.extend(data[:keep_body - len(kept)])
            if down_rate:
                delay = got / down_rate - (time.monotonic() - reading)
                if delay > 0:
                    await asyncio.sleep(delay)

        if method == "HEAD" or status in (204, 304):
            pass
        elif chunked:
            while True:
                size_line = await asyncio.wait_for(reader.readuntil(b"\r\n"), timeout)
                count(len(size_line))
                size = int(size_line.strip().split(b";")[0], 16)
                if size == 0:
                    count(len(await reader.readuntil(b"\r\n")))
                    break
                left = size
                while left:
                    data = await take(min(BLOCK, left))
                    if not data:
                        raise ConnectionError(f"cut after {got} bytes")
                    left -= len(data)
                    await consume(data)
                count(len(await reader.readexactly(2)))
        elif want >= 0:
            while got < want:
                data = await take(min(BLOCK, want - got))
                if not data:
                    raise ConnectionError(f"cut after {got} of {want} bytes")
                await consume(data)
        else:
            while data := await take(BLOCK):
                await consume(data)
        return Response(status, response_headers, bytes(kept), got, digest.hexdigest(),
                        time.monotonic() - started, first_byte)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()


def tree_rss(pid: int) -> int:
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


async def sample_rss(pid: int, out: list, stop: asyncio.Event, every: float = 0.25) -> None:
    while not stop.is_set():
        out.append(tree_rss(pid))
        await asyncio.sleep(every)


async def probe(base: str, pages: dict, out: dict, stop: asyncio.Event,
                gap: float = 0.1) -> None:
    """Each page in turn, each on a new connection, ``gap`` seconds apart, until ``stop``;
    the time of each answer in ms per page (a failure counts as 30 s)."""
    while not stop.is_set():
        for name, page in pages.items():
            if stop.is_set():
                return
            headers = {"Cookie": page["cookie"]} if page.get("cookie") else {}
            started = time.monotonic()
            try:
                r = await request(base + page["path"], headers=headers, timeout=30)
                ok = r.status == 200
            except (TimeoutError, OSError, ConnectionError):
                ok = False
            out.setdefault(name, []).append(
                (time.monotonic() - started) * 1000 if ok else 30_000.0)
            await asyncio.sleep(gap)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


class Payloads:
    """Distinct files of random bytes, made without stalling the event loop: one random block
    made once, each file a unique 64-byte head on a rotation of it (so every checksum differs
    and nothing compresses)."""

    def __init__(self, largest: int):
        self.base = os.urandom(largest + 1024 * 1024)
        self.made = 0

    def make(self, n: int) -> bytes:
        self.made += 1
        head = os.urandom(64)
        shift = (self.made * 4099) % (1024 * 1024)
        return head + self.base[shift:shift + n - len(head)]
