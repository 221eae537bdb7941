"""The link walker: as one user, follow every internal link from the dashboard, breadth first,
and report each link that answers 404 or a server error, with the page that linked to it.

It clicks only links (``<a href>``): forms and their POSTs are the journeys' business. Bounded
two ways: at most ``per_route`` addresses of one URL pattern with one set of query parameters
(the roster's hundred people are one pattern: a few of them show whether the pattern's links
work), and at most ``limit`` requests in all."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.urls import Resolver404, resolve

# Not links to follow: files served by whitenoise or the storage, and the admin site (for
# superusers only; Django's own).
SKIP_PREFIXES = ("/static/", "/media/", "/admin/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


@dataclass
class Walk:
    visited: dict[str, int] = field(default_factory=dict)  # url → status
    broken: list[tuple[str, int, str]] = field(default_factory=list)  # (url, status, from)
    skipped_by_bound: int = 0

    def report(self) -> str:
        return "\n".join(f"  {status} {url}  (linked from {source})"
                         for url, status, source in self.broken)


def _route_key(path: str, query: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    params = sorted({part.split("=", 1)[0] for part in query.split("&") if part})
    return f"{match.route}?{'&'.join(params)}"


def _read(response) -> bytes:
    """The body; a streamed one is read to its end (closing it early would fire
    request_finished, which closes the test's database connection)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def walk(client, start: str = "/", *, limit: int = 600, per_route: int = 3) -> Walk:
    result = Walk()
    per_key: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    queued = {start}
    while queue and len(result.visited) < limit:
        url, source = queue.popleft()
        response = client.get(url)
        body = _read(response)
        status = response.status_code
        result.visited[url] = status
        if status == 404 or status >= 500:
            result.broken.append((url, status, source))
            continue
        if status in (301, 302, 303, 307, 308):
            targets = [response["Location"]]
        elif status == 200 and response.get("Content-Type", "").startswith("text/html"):
            targets = links_of(body.decode(response.charset or "utf-8", "replace"))
        else:
            continue
        for href in targets:
            target, _fragment = urldefrag(urljoin(url, href))
            parts = urlsplit(target)
            if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
                continue  # mailto:, tel:, javascript:, other sites
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if not parts.path or local in queued or parts.path.startswith(SKIP_PREFIXES):
                continue
            key = _route_key(parts.path, parts.query) or local
            if per_key[key] >= per_route:
                result.skipped_by_bound += 1
                continue
            per_key[key] += 1
            queued.add(local)
            queue.append((local, url))
    return result
