"""The S3-compatible object store, for what django-storages does not do: links signed for the
browser's address, multipart uploads driven by the browser, and reading an object in ranges.

Two clients: ``client()`` talks to ``AWS_S3_ENDPOINT_URL``, the address the portal's own
processes reach (``http://seaweedfs:8333`` inside docker-compose); ``signer()`` only signs links,
for ``AWS_S3_PUBLIC_ENDPOINT_URL``, the address the users' browsers reach (SigV4 signs the host,
so a link signed for the inside address is refused outside).

``RangedObject`` is a read-only, seekable file over one object that fetches what is read with
``GET Range`` requests, through ``io.BufferedReader``: PyAV (FFmpeg) and pypdf read a 2 GB video
or a PDF with a few requests and one buffer of memory. django-storages' ``S3File`` (what
``default_storage.open()`` returns) first downloads the whole object into a temporary file;
s3fs would do the ranged reads but pins botocore to a narrow window (through aiobotocore),
which would lock the boto3 that django-storages uses; smart_open opens one unbounded GET and
reconnects on every backward seek (FFmpeg and pypdf seek back all the time: 37 connections to
read a 10 KB PDF, measured).
"""

from __future__ import annotations

import functools
import io
from collections import OrderedDict
from urllib.parse import urlsplit

from django.conf import settings

# The buffer of the reader over the block cache (see _RangedRaw for what a request fetches).
READ_BUFFER = 64 * 1024


def enabled() -> bool:
    """Evidence goes to the object store (``AWS_STORAGE_BUCKET_NAME`` is set)."""
    return bool(settings.AWS_STORAGE_BUCKET_NAME)


def bucket() -> str:
    return settings.AWS_STORAGE_BUCKET_NAME


def _config(**extra):
    from botocore.config import Config

    return Config(signature_version="s3v4", s3={"addressing_style": "path"},
                  retries={"max_attempts": 3, "mode": "standard"},
                  connect_timeout=3, read_timeout=60, **extra)


@functools.lru_cache(maxsize=4)
def _client(endpoint: str | None, key: str | None, secret: str | None, region: str):
    import boto3

    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=key,
        aws_secret_access_key=secret, config=_config())


def client():
    """The portal's own client (web and worker), on the inside address."""
    return _client(settings.AWS_S3_ENDPOINT_URL, settings.AWS_ACCESS_KEY_ID,
                   settings.AWS_SECRET_ACCESS_KEY, settings.AWS_S3_REGION_NAME)


def signer():
    """A client that only signs links, for the address the browsers reach."""
    return _client(settings.AWS_S3_PUBLIC_ENDPOINT_URL, settings.AWS_ACCESS_KEY_ID,
                   settings.AWS_SECRET_ACCESS_KEY, settings.AWS_S3_REGION_NAME)


def presign(operation: str, seconds: int, **params) -> str:
    return signer().generate_presigned_url(
        operation, Params={"Bucket": bucket(), **params}, ExpiresIn=int(seconds))


def public_origin() -> str:
    """scheme://host[:port] of the object store as the browser reaches it (for CSP/CORS)."""
    parts = urlsplit(settings.AWS_S3_PUBLIC_ENDPOINT_URL or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def ensure_bucket(origins: list[str]) -> None:
    """Create the bucket when it is missing, and let the portal's pages (``origins``) send
    parts to it from the browser (CORS: PUT of parts, GET of links; ETag readable)."""
    s3 = client()
    try:
        s3.head_bucket(Bucket=bucket())
    except s3.exceptions.ClientError as exc:
        if str(exc.response.get("Error", {}).get("Code")) not in ("404", "NoSuchBucket",
                                                                  "NotFound"):
            raise
        s3.create_bucket(Bucket=bucket())
    s3.put_bucket_cors(Bucket=bucket(), CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": sorted(set(origins)), "AllowedMethods": ["GET", "PUT", "HEAD"],
        "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag", "Content-Range", "Accept-Ranges"],
        "MaxAgeSeconds": 3600}]})


class _RangedRaw(io.RawIOBase):
    """One object read by ``GET Range`` requests, through a small cache of blocks.

    Readers jump about: FFmpeg reads the index at the end of a video, then the packets from
    the start; pypdf reads a PDF's trailer backwards from the end in small steps. Blocks of
    ``BLOCK`` bytes are kept (least recently used first out, ``CACHE`` bytes at most), so a
    step back reads from memory; a run of forward reads fetches ahead, doubling up to
    ``AHEAD`` bytes a request."""

    BLOCK = 256 * 1024
    AHEAD = 8 * 1024 * 1024
    CACHE = 16 * 1024 * 1024

    def __init__(self, s3, bucket_name: str, key: str, size: int):
        self.s3, self.bucket_name, self.key, self.size = s3, bucket_name, key, size
        self.position = 0
        self.requests = 0
        self.fetched = 0
        self._blocks: OrderedDict[int, bytes] = OrderedDict()
        self._next = 0  # the block after the last one fetched: reading on from there is a run
        self._ahead = 1  # blocks to fetch on the next miss

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise OSError("negative seek position")
        self.position = base + offset
        return self.position

    def _fetch(self, first: int, last: int) -> None:
        """Blocks ``first``..``last`` (and more ahead on a run) in one request."""
        if first == self._next:
            self._ahead = min(self._ahead * 2, self.AHEAD // self.BLOCK)
        else:
            self._ahead = 1
        last_block = (self.size - 1) // self.BLOCK
        last = min(max(last, first + self._ahead - 1), last_block)
        start, end = first * self.BLOCK, min((last + 1) * self.BLOCK, self.size) - 1
        body = self.s3.get_object(Bucket=self.bucket_name, Key=self.key,
                                  Range=f"bytes={start}-{end}")["Body"]
        with body:
            data = body.read()
        self.requests += 1
        self.fetched += len(data)
        for index in range(first, last + 1):
            chunk = data[(index - first) * self.BLOCK:(index - first + 1) * self.BLOCK]
            if chunk:
                self._blocks[index] = chunk
                self._blocks.move_to_end(index)
        self._next = last + 1
        while len(self._blocks) * self.BLOCK > self.CACHE:
            self._blocks.popitem(last=False)

    def readinto(self, buffer) -> int:
        if self.position >= self.size:
            return 0
        want = min(len(buffer), self.size - self.position)
        first = self.position // self.BLOCK
        last = (self.position + want - 1) // self.BLOCK
        missing = [i for i in range(first, last + 1) if i not in self._blocks]
        if missing:
            self._fetch(missing[0], missing[-1])
        view = memoryview(buffer)
        n = 0
        while n < want:
            index, offset = divmod(self.position + n, self.BLOCK)
            block = self._blocks.get(index)
            if block is None:  # evicted by a huge read: fetch the rest on the next call
                break
            self._blocks.move_to_end(index)
            piece = block[offset:offset + want - n]
            if not piece:
                break
            view[n:n + len(piece)] = piece
            n += len(piece)
        self.position += n
        return n


def open_ranged(key: str, size: int | None = None, buffer_size: int = READ_BUFFER):
    """A seekable binary file over the object ``key`` (``io.BufferedReader``); its ``raw``
    counts the requests and bytes fetched."""
    s3 = client()
    if size is None:
        size = s3.head_object(Bucket=bucket(), Key=key)["ContentLength"]
    return io.BufferedReader(_RangedRaw(s3, bucket(), key, size), buffer_size=buffer_size)
