"""What an uploaded evidence file really is (RULES §4.4), read from its content, never its name.

``inspect(source)`` runs in the Celery worker (``appraisal.tasks.validate_evidence``), on a local
file (a path) or on an object in the object store (a :class:`Source` over the ranged reader
of ``core.objectstore``: PyAV and pypdf read what they need with ``GET Range`` requests, never
a copy of the whole file). It tells the media kind and MIME type from the magic bytes
(``filetype``), then reads the file with the library for that kind:

* PDF (pypdf): page count and page sizes in millimetres; an encrypted or broken file is refused,
  and so is one with anything but whitespace after its last ``%%EOF`` (a polyglot: a ZIP or a
  script appended to a PDF opens as both); only the file's tail is read for that;
* video (PyAV, which ships its own FFmpeg): the duration, and that the file really decodes. Every
  packet of the video stream is demuxed (cheap: no decoding), which finds a file cut short or
  damaged in the middle; the first frame and the last group of pictures are decoded. A 60-minute
  video is checked in seconds, mostly the time to read it from disk;
* image (Pillow): JPG or PNG only, fully decoded, with a guard against decompression bombs.

When ``CLAMAV_URL`` is set the file is first streamed to clamd (INSTREAM); without it no scan is
made and ``details["virus_scan"]`` says so.

The per-slot limits (10 minutes, 10 pages, PDF only …) are not decided here but in
``appraisal.rules.evidence_file_problem``; ``inspect`` only refuses what no slot accepts: a
broken, unreadable, infected or oversized file, or a type the portal does not take at all.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import struct
import warnings
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from appraisal.choices import MediaKind

logger = logging.getLogger(__name__)

MM_PER_POINT = 25.4 / 72

IMAGE_TYPES = {"image/jpeg", "image/png"}
# What a browser or a phone records; all of them are demuxed and decoded by PyAV's FFmpeg.
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/x-m4v", "video/3gpp", "video/webm",
               "video/x-matroska", "video/x-msvideo", "video/mpeg", "video/x-ms-wmv",
               "video/x-flv"}
# Containers that filetype cannot tell but FFmpeg recognises from the bytes alone (camcorders'
# AVCHD .mts files are MPEG transport streams).
PROBED_VIDEO_FORMATS = {"mpegts": "video/mp2t"}

# The first frame must come out of at most this many packets (a few seconds of video).
FIRST_FRAME_PACKETS = 300
# The tail is decoded from the last keyframe on, for at most this many packets.
TAIL_PACKETS = 600
# A video whose packets end this much before the length its header declares has been cut short.
TRUNCATION_TOLERANCE_SECONDS = 1.0
TRUNCATION_TOLERANCE_SHARE = 0.01


@dataclass
class MediaInfo:
    media_kind: str = MediaKind.UNKNOWN
    content_type: str = ""
    pages: int | None = None
    page_sizes_mm: list[tuple[float, float]] = field(default_factory=list)
    duration_seconds: float | None = None
    # a Thai reason when the file is broken, unsupported, too large or infected
    problem: str | None = None
    # the problem comes before any rule of the slot (a virus, an empty file)
    decisive: bool = False
    details: dict = field(default_factory=dict)


class Source:
    """Where the bytes of a file are: a local path, a key in the object store, or any other
    storage (``opener``: a callable that opens the file)."""

    def __init__(self, *, path: str | None = None, key: str | None = None,
                 size: int | None = None, opener=None):
        self.path, self.key, self.opener = path, key, opener
        self._size = size

    @property
    def size(self) -> int:
        if self._size is None:
            if self.path is not None:
                self._size = os.path.getsize(self.path)
            else:
                from core import objectstore

                self._size = objectstore.client().head_object(
                    Bucket=objectstore.bucket(), Key=self.key)["ContentLength"]
        return self._size

    def open(self, buffer_size: int | None = None):
        """A seekable binary file (the caller closes it)."""
        if self.path is not None:
            return open(self.path, "rb")
        if self.opener is not None:
            return self.opener()
        from core import objectstore

        return objectstore.open_ranged(self.key, self.size,
                                       buffer_size=buffer_size or objectstore.READ_BUFFER)

    @contextlib.contextmanager
    def for_ffmpeg(self):
        """What ``av.open`` takes: the path itself (FFmpeg reads it natively), else a file."""
        if self.path is not None:
            yield self.path
            return
        with self.open() as f:
            yield f


def _source(source) -> Source:
    return source if isinstance(source, Source) else Source(path=str(source))


class ScannerUnavailableError(Exception):
    """clamd could not be reached or failed: a transient error, the check is retried."""


def human_size(n: int) -> str:
    if n >= 1024**3:
        return f"{n / 1024**3:.1f} GB"
    if n >= 1024**2:
        return f"{n / 1024**2:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} B"


def size_limit(media_kind: str) -> int:
    """The largest file of a kind: videos are big (at least 2 GB must pass), the rest is not."""
    if media_kind == MediaKind.VIDEO:
        return settings.EVIDENCE_MAX_VIDEO_BYTES
    return settings.EVIDENCE_MAX_DOCUMENT_BYTES


def inspect(source) -> MediaInfo:
    """Read the file (a path or a :class:`Source`) and tell what it is; never raises for a bad
    file (only for a virus scanner that cannot be reached, :class:`ScannerUnavailableError`,
    and for a store that cannot be read, ``OSError`` and botocore's errors)."""
    source = _source(source)
    size = source.size
    info = MediaInfo(details={"size": size})
    if size == 0:
        info.problem = _("ไฟล์ว่างเปล่า")
        info.decisive = True
        return info

    virus = clamav_scan(source, info.details)
    if virus:
        info.problem = _("พบไวรัส %(name)s ในไฟล์นี้") % {"name": virus}
        info.decisive = True
        return info

    with source.open(buffer_size=64 * 1024) as f:
        head = f.read(8192)
    guessed = filetype.guess(head)
    mime = guessed.mime if guessed else ""
    if not mime:
        mime = _probe_video_container(source)
    info.content_type = mime or "application/octet-stream"
    info.details["detected_type"] = info.content_type
    if mime == "application/pdf":
        info.media_kind = MediaKind.PDF
    elif mime in IMAGE_TYPES:
        info.media_kind = MediaKind.IMAGE
    elif mime in VIDEO_TYPES or mime in PROBED_VIDEO_FORMATS.values():
        info.media_kind = MediaKind.VIDEO
    else:
        info.problem = _(
            "ไฟล์นี้ไม่ใช่ไฟล์ PDF วีดิทัศน์ หรือรูปภาพ JPG/PNG (ตรวจจากเนื้อไฟล์ ไม่ใช่จากชื่อไฟล์)"
        )
        return info

    limit = size_limit(info.media_kind)
    if size > limit:
        info.problem = _("ไฟล์ใหญ่เกินกำหนด (%(size)s สูงสุด %(limit)s)") % {
            "size": human_size(size), "limit": human_size(limit)}
        return info

    if info.media_kind == MediaKind.PDF:
        _inspect_pdf(source, info)
    elif info.media_kind == MediaKind.IMAGE:
        _inspect_image(source, info)
    else:
        _inspect_video(source, info)
    return info


# --- PDF ------------------------------------------------------------------------------------------

# How much of a PDF's end is read to find its last end-of-file marker. An incremental update ends
# with a %%EOF of its own, so the last marker is at the very end of a sound file, followed at most
# by a newline or a few bytes of padding.
PDF_TAIL_BYTES = 64 * 1024
PDF_EOF = b"%%EOF"
# PDF 32000-1 §7.2.2: the white-space characters (NUL, HT, LF, FF, CR, SP)
PDF_WHITESPACE = b"\x00\t\n\x0c\r "

def _inspect_pdf(source: Source, info: MediaInfo) -> None:
    from pypdf import PdfReader

    try:
        with warnings.catch_warnings(), source.open() as f:
            warnings.simplefilter("ignore")  # pypdf warns about every small flaw it repairs
            reader = PdfReader(f)
            if reader.is_encrypted:
                try:
                    # a file with an owner password only opens with an empty user password
                    opened = bool(reader.decrypt(""))
                except Exception:  # an unknown or unsupported cipher
                    opened = False
                if not opened:
                    info.problem = _("ไฟล์ PDF ถูกตั้งรหัสผ่านไว้ กรุณาอัปโหลดไฟล์ที่เปิดได้โดยไม่ต้องใช้รหัสผ่าน")
                    return
            sizes = [_page_size_mm(page) for page in reader.pages]
            version = reader.pdf_header.lstrip("%")
    except Exception as exc:  # pypdf raises many kinds of errors on a damaged file
        logger.info("unreadable PDF: %s", type(exc).__name__)
        info.problem = _("ไฟล์ PDF เสียหาย เปิดอ่านไม่ได้")
        info.details["error"] = type(exc).__name__
        return
    if not sizes:
        info.problem = _("ไฟล์ PDF ไม่มีหน้าเอกสาร")
        return
    if _pdf_has_trailing_data(source):
        info.problem = _("ไฟล์ PDF มีข้อมูลอื่นต่อท้ายหลังจุดสิ้นสุดของเอกสาร (อาจเป็นไฟล์ชนิดอื่นแฝงมา) "
                         "กรุณาบันทึกเป็นไฟล์ PDF ใหม่แล้วอัปโหลดอีกครั้ง")
        info.details["trailing_data"] = True
        return
    info.pages = len(sizes)
    info.page_sizes_mm = sizes
    info.details["pdf_version"] = version


def _pdf_has_trailing_data(source: Source) -> bool:
    """Whether anything but whitespace follows the file's last ``%%EOF``; only the last
    ``PDF_TAIL_BYTES`` are read (one ranged request in the object store). A tail without any
    marker means that more than the tail was appended (pypdf, lenient, still opens such a file)."""
    size = source.size
    with source.open(buffer_size=PDF_TAIL_BYTES) as f:
        f.seek(max(0, size - PDF_TAIL_BYTES))
        tail = f.read(PDF_TAIL_BYTES)
    end = tail.rfind(PDF_EOF)
    if end < 0:
        return True
    return bool(tail[end + len(PDF_EOF):].strip(PDF_WHITESPACE))


def _page_size_mm(page) -> tuple[float, float]:
    # The visible area (crop box, which defaults to the media box), as the page is shown.
    box = page.cropbox
    unit = float(page.get("/UserUnit", 1) or 1)
    width = abs(float(box.width)) * unit * MM_PER_POINT
    height = abs(float(box.height)) * unit * MM_PER_POINT
    if (page.rotation or 0) % 180:
        width, height = height, width
    return round(width, 1), round(height, 1)


# --- Images ---------------------------------------------------------------------------------------

def _inspect_image(source: Source, info: MediaInfo) -> None:
    from PIL import Image

    max_pixels = settings.EVIDENCE_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with source.open() as f, Image.open(f) as image:
                width, height = image.size
                info.details.update(width=width, height=height, format=image.format)
                if image.format not in ("JPEG", "PNG"):
                    info.problem = _("รับเฉพาะรูปภาพ JPG หรือ PNG")
                    return
                if width * height > max_pixels:
                    raise Image.DecompressionBombError("too many pixels")
                image.verify()
            # verify() checks the structure only; decode the pixels too (a cut JPEG fails here)
            with source.open() as f, Image.open(f) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        info.problem = _("รูปภาพมีจำนวนพิกเซลมากเกินไป (สูงสุด %(mp)d ล้านพิกเซล)") % {
            "mp": max_pixels // 1_000_000}
        return
    except Exception as exc:  # OSError, SyntaxError, struct.error … on a damaged file
        info.problem = _("ไฟล์รูปภาพเสียหาย เปิดดูไม่ได้")
        info.details["error"] = type(exc).__name__
        return
    info.pages = 1


# --- Video ----------------------------------------------------------------------------------------

def _probe_video_container(source: Source) -> str:
    """FFmpeg's own probe, from the bytes only (a file object carries no name to hint with)."""
    import av

    try:
        with source.open() as f, av.open(f, metadata_errors="ignore") as container:
            name = container.format.name
    except Exception:
        return ""
    return PROBED_VIDEO_FORMATS.get(name, "")


def _inspect_video(source: Source, info: MediaInfo) -> None:
    with source.for_ffmpeg() as target:
        index, last_key = _demux_video(target, info)
    if index is None:
        return
    with source.for_ffmpeg() as target:
        tail = _decode_tail(target, index, last_key)
    info.details["tail_frames"] = tail
    if not tail:
        info.problem = _("ถอดรหัสภาพช่วงท้ายของวีดิทัศน์ไม่ได้ ไฟล์อาจเสียหายหรือไม่สมบูรณ์")


def _demux_video(target, info: MediaInfo):
    """Demux every packet and decode the first frame; (stream index, last keyframe) when the
    tail is to be decoded too, else (None, None) with ``info.problem`` set."""
    import av

    broken = _("ไฟล์วีดิทัศน์เสียหายหรือไม่สมบูรณ์ เปิดเล่นไม่ได้")
    try:
        container = av.open(target, metadata_errors="ignore")
    except Exception as exc:  # av.FFmpegError, or a container FFmpeg cannot open
        info.problem = broken
        info.details["error"] = type(exc).__name__
        return None, None
    with container:
        if not container.streams.video:
            info.problem = _("ไม่พบภาพในไฟล์วีดิทัศน์")
            return None, None
        stream = container.streams.video[0]
        index = stream.index
        tb = stream.time_base
        declared = container.duration / av.time_base if container.duration else None
        stream_declared = float(stream.duration * tb) if stream.duration and tb else None
        info.details.update(container=container.format.name, codec=stream.codec_context.name,
                            width=stream.codec_context.width,
                            height=stream.codec_context.height)
        start = end = last_key = None
        packets = corrupt = 0
        first_frame = False
        decoder = stream.codec_context
        try:
            for packet in container.demux(stream):
                if packet.size == 0:  # the demuxer's final empty packet
                    continue
                packets += 1
                corrupt += packet.is_corrupt
                pts = packet.pts if packet.pts is not None else packet.dts
                if pts is not None:
                    start = pts if start is None else min(start, pts)
                    stop = pts + (packet.duration or 0)
                    end = stop if end is None else max(end, stop)
                    if packet.is_keyframe:
                        last_key = pts
                if not first_frame and packets <= FIRST_FRAME_PACKETS:
                    # a damaged leading packet fails; the next keyframe may still decode
                    with contextlib.suppress(av.FFmpegError):
                        first_frame = bool(decoder.decode(packet))
            if not first_frame:
                with contextlib.suppress(av.FFmpegError):
                    first_frame = bool(decoder.decode(None))
        except Exception as exc:
            info.problem = broken
            info.details["error"] = type(exc).__name__
            return None, None
    info.details.update(packets=packets, corrupt_packets=corrupt)
    if not packets or start is None or end is None:
        info.problem = _("ไม่พบภาพในไฟล์วีดิทัศน์")
        return None, None
    if not first_frame:
        info.problem = _("ถอดรหัสภาพของวีดิทัศน์ไม่ได้ ไฟล์อาจเสียหายหรือใช้รูปแบบที่ไม่รองรับ")
        return None, None
    span = float((end - start) * tb)
    reference = stream_declared or declared
    info.details.update(declared_seconds=declared, stream_seconds=stream_declared,
                        demuxed_seconds=round(span, 3))
    if reference and span < reference - max(TRUNCATION_TOLERANCE_SECONDS,
                                            TRUNCATION_TOLERANCE_SHARE * reference):
        info.problem = _("ไฟล์วีดิทัศน์ไม่สมบูรณ์ (อ่านได้ %(got).0f จาก %(want).0f วินาที) "
                         "อาจอัปโหลดไม่ครบหรือไฟล์เสียหาย") % {"got": span, "want": reference}
        return None, None
    # The header's length is what a player shows; the packets decide when the header lies
    # (or is missing, as in a browser's WebM recording).
    duration = declared if declared is not None else span
    if span > duration + TRUNCATION_TOLERANCE_SECONDS:
        duration = span
    info.duration_seconds = round(duration, 3)
    return index, last_key


def _decode_tail(target, index: int, last_key) -> int:
    """Decode from the last keyframe to the end; the number of frames that came out."""
    import av

    frames = 0
    try:
        with av.open(target, metadata_errors="ignore") as container:
            stream = container.streams[index]
            if last_key is not None:
                container.seek(last_key, stream=stream, backward=True, any_frame=False)
            decoder = stream.codec_context
            for n, packet in enumerate(container.demux(stream)):
                if n >= TAIL_PACKETS:
                    break
                try:
                    frames += len(decoder.decode(packet if packet.size else None))
                except av.FFmpegError:
                    continue
    except Exception as exc:
        logger.info("video tail not decodable: %s", type(exc).__name__)
        return frames
    return frames


# --- ClamAV ---------------------------------------------------------------------------------------

CLAMD_CHUNK = 1024 * 1024


def clamav_scan(source, details: dict) -> str | None:
    """The virus name when clamd finds one, else None; writes what was done into ``details``.

    clamd's INSTREAM command (``man clamd``): ``zINSTREAM\\0``, then chunks each prefixed by its
    length as a 4-byte big-endian integer, then a zero length; clamd answers
    ``stream: OK``, ``stream: <name> FOUND`` or ``<message> ERROR``. The maintained Python
    clients are GPL-licensed or send 1 KB chunks; the protocol fits in this function.
    """
    url = settings.CLAMAV_URL
    if not url:
        details["virus_scan"] = "not_configured"
        return None
    reply = _clamd_instream(url, _source(source), settings.CLAMAV_TIMEOUT_SECONDS)
    if reply.endswith("FOUND"):
        name = reply.removeprefix("stream:").removesuffix("FOUND").strip()
        details["virus_scan"] = "infected"
        details["virus"] = name
        return name or "?"
    if reply.endswith("OK"):
        details["virus_scan"] = "clean"
        return None
    if "size limit exceeded" in reply:
        # larger than clamd's StreamMaxLength: the file is still fully decoded by its reader
        details["virus_scan"] = "too_large_for_scanner"
        return None
    raise ScannerUnavailableError(reply or "no answer from clamd")


def _clamd_connect(url: str, timeout: float) -> socket.socket:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(parts.path)
        return sock
    if parts.scheme == "tcp":
        return socket.create_connection((parts.hostname, parts.port or 3310), timeout=timeout)
    raise ScannerUnavailableError(
        f"CLAMAV_URL must start with tcp:// or unix://, not {parts.scheme}")


def _clamd_instream(url: str, source: Source, timeout: float) -> str:
    try:
        sock = _clamd_connect(url, timeout)
    except OSError as exc:
        raise ScannerUnavailableError(f"cannot reach clamd: {exc}") from exc
    with sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            with source.open(buffer_size=CLAMD_CHUNK) as f:
                while chunk := f.read(CLAMD_CHUNK):
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
        except (BrokenPipeError, ConnectionResetError):
            pass  # clamd hangs up when the stream passes its limit; its answer says why
        except OSError as exc:
            raise ScannerUnavailableError(f"clamd connection failed: {exc}") from exc
        reply = bytearray()
        try:
            while not reply.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
        except OSError as exc:
            raise ScannerUnavailableError(f"clamd did not answer: {exc}") from exc
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()
