"""appraisal.media.inspect on media made by the tests (RULES §4.4), and the slot rules applied to
what it reads (appraisal.evidence.file_reason → appraisal.rules.evidence_file_problem)."""

import socket
import struct
import threading

import pytest

from appraisal.choices import EvidenceSlot, MediaKind
from appraisal.services import media
from appraisal.services.evidence import file_reason
from tests.appraisal.media_factory import (
    encrypted_pdf_bytes,
    executable_bytes,
    image_bytes,
    pdf_bytes,
    truncated,
    write_video,
)


def inspect_bytes(tmp_path, data: bytes, name: str):
    path = tmp_path / name
    path.write_bytes(data)
    return media.inspect(str(path))


# --- PDFs ----------------------------------------------------------------------------------------

def test_a_10_page_pdf_passes_as_an_outcome_and_an_11_page_one_fails(tmp_path):
    ten = inspect_bytes(tmp_path, pdf_bytes(10), "ten.pdf")
    eleven = inspect_bytes(tmp_path, pdf_bytes(11), "eleven.pdf")
    assert (ten.media_kind, ten.content_type, ten.pages, ten.problem) == (
        MediaKind.PDF, "application/pdf", 10, None)
    assert ten.page_sizes_mm == [(210.0, 297.0)] * 10
    assert eleven.pages == 11
    assert file_reason(EvidenceSlot.OUTCOME, ten) == ""
    assert "11 หน้า" in file_reason(EvidenceSlot.OUTCOME, eleven)
    # the lesson plan has no page limit
    assert file_reason(EvidenceSlot.LESSON_PLAN, eleven) == ""


def test_an_a3_page_fails_an_outcome_pdf(tmp_path):
    info = inspect_bytes(tmp_path, pdf_bytes(sizes=["A4", "A3", "A4"]), "a3.pdf")
    assert info.pages == 3
    assert info.page_sizes_mm[1] == (297.0, 420.0)
    reason = file_reason(EvidenceSlot.OUTCOME, info)
    assert "หน้า 2" in reason
    assert "A4" in reason
    # landscape A4 is still A4
    landscape = inspect_bytes(tmp_path, pdf_bytes(sizes=[(297, 210)]), "landscape.pdf")
    assert file_reason(EvidenceSlot.OUTCOME, landscape) == ""


def test_a_renamed_executable_is_not_a_pdf(tmp_path):
    info = inspect_bytes(tmp_path, executable_bytes(), "lesson-plan.pdf")
    assert info.media_kind == MediaKind.UNKNOWN
    assert info.content_type == "application/x-executable"
    reason = file_reason(EvidenceSlot.LESSON_PLAN, info)
    assert "PDF" in reason
    assert "ตรวจจากเนื้อไฟล์" in reason


def test_a_video_is_not_a_lesson_plan(tmp_path):
    info = media.inspect(str(write_video(tmp_path / "plan.pdf", 5, container="mp4")))
    assert info.media_kind == MediaKind.VIDEO
    assert "ต้องเป็น" in file_reason(EvidenceSlot.LESSON_PLAN, info)


def test_broken_and_encrypted_pdfs_are_refused(tmp_path):
    broken = inspect_bytes(tmp_path, b"%PDF-1.7\n" + b"\x00garbage" * 200, "broken.pdf")
    assert broken.media_kind == MediaKind.PDF
    assert broken.problem == "ไฟล์ PDF เสียหาย เปิดอ่านไม่ได้"
    assert file_reason(EvidenceSlot.LESSON_PLAN, broken) == broken.problem
    cut = inspect_bytes(tmp_path, truncated(pdf_bytes(3), 0.5), "cut.pdf")
    assert cut.problem
    locked = inspect_bytes(tmp_path, encrypted_pdf_bytes(), "locked.pdf")
    assert "รหัสผ่าน" in locked.problem


def test_an_empty_file_is_refused(tmp_path):
    info = inspect_bytes(tmp_path, b"", "empty.pdf")
    assert file_reason(EvidenceSlot.LESSON_PLAN, info) == "ไฟล์ว่างเปล่า"


# --- videos --------------------------------------------------------------------------------------

def test_a_10_00_video_passes_and_a_10_01_one_fails(tmp_path):
    ok = media.inspect(str(write_video(tmp_path / "600.mp4", 600)))
    long = media.inspect(str(write_video(tmp_path / "601.mp4", 601)))
    assert (ok.media_kind, ok.content_type, ok.duration_seconds, ok.problem) == (
        MediaKind.VIDEO, "video/mp4", 600.0, None)
    assert long.duration_seconds == 601.0
    for slot in (EvidenceSlot.INSPIRATION_VIDEO, EvidenceSlot.OUTCOME):
        assert file_reason(slot, ok) == ""
        assert "10:01" in file_reason(slot, long)
    # the teaching video may last an hour
    assert file_reason(EvidenceSlot.TEACHING_VIDEO, long) == ""
    assert ok.details["tail_frames"] >= 1
    assert ok.details["virus_scan"] == "not_configured"


def test_a_60_minute_teaching_video_passes_and_a_longer_one_fails(tmp_path):
    hour = media.inspect(str(write_video(tmp_path / "hour.webm", 3600, codec="libvpx",
                                         container="webm")))
    over = media.inspect(str(write_video(tmp_path / "over.mkv", 3601, container="matroska")))
    assert hour.problem is None
    assert hour.content_type == "video/webm"
    assert file_reason(EvidenceSlot.TEACHING_VIDEO, hour) == ""
    assert "1:00:01" in file_reason(EvidenceSlot.TEACHING_VIDEO, over)


@pytest.mark.parametrize(("container", "options", "name"), [
    (None, {}, "moov-at-end.mp4"),
    (None, {"movflags": "faststart"}, "faststart.mp4"),
    ("matroska", {}, "cut.mkv"),
])
def test_a_truncated_video_fails(tmp_path, container, options, name):
    whole = write_video(tmp_path / f"whole-{name}", 120, fps=5, size=(64, 48),
                        container=container, options=options)
    assert media.inspect(str(whole)).problem is None
    cut = tmp_path / name
    cut.write_bytes(truncated(whole.read_bytes(), 0.6))
    info = media.inspect(str(cut))
    assert info.problem, info
    assert "ไม่สมบูรณ์" in info.problem or "เสียหาย" in info.problem
    assert file_reason(EvidenceSlot.INSPIRATION_VIDEO, info) == info.problem


def test_an_h264_video_with_b_frames_is_read_exactly(tmp_path):
    path = write_video(tmp_path / "camera.mp4", 20, fps=25, size=(64, 48), codec="libx264")
    info = media.inspect(str(path))
    assert info.problem is None
    assert info.duration_seconds == pytest.approx(20.0, abs=0.05)
    assert info.details["codec"] == "h264"


def test_garbage_after_a_video_header_fails(tmp_path):
    data = write_video(tmp_path / "v.mp4", 30, fps=5, size=(64, 48),
                       options={"movflags": "faststart"}).read_bytes()
    # keep the header and the index, overwrite the pictures
    header = data.index(b"mdat") + 8
    damaged = data[:header] + bytes(len(data) - header)
    info = inspect_bytes(tmp_path, damaged, "damaged.mp4")
    assert info.problem


# --- images --------------------------------------------------------------------------------------

def test_png_and_jpeg_pass_and_a_cut_jpeg_fails(tmp_path):
    png = inspect_bytes(tmp_path, image_bytes("PNG"), "photo.jpg")  # the name does not matter
    jpeg = inspect_bytes(tmp_path, image_bytes("JPEG", (320, 240)), "photo.png")
    assert (png.media_kind, png.content_type, png.problem) == (MediaKind.IMAGE, "image/png", None)
    assert (jpeg.content_type, jpeg.pages) == ("image/jpeg", 1)
    assert file_reason(EvidenceSlot.OUTCOME, jpeg) == ""
    assert "ต้องเป็น" in file_reason(EvidenceSlot.LESSON_PLAN, jpeg)
    cut = inspect_bytes(tmp_path, truncated(image_bytes("JPEG", (320, 240)), 0.5), "cut.jpg")
    assert cut.problem == "ไฟล์รูปภาพเสียหาย เปิดดูไม่ได้"


def test_a_decompression_bomb_is_refused(tmp_path, settings):
    settings.EVIDENCE_MAX_IMAGE_PIXELS = 100 * 100
    info = inspect_bytes(tmp_path, image_bytes("PNG", (101, 100)), "bomb.png")
    assert "พิกเซล" in info.problem


def test_other_image_types_are_refused(tmp_path):
    info = inspect_bytes(tmp_path, image_bytes("GIF"), "anim.gif")
    assert info.media_kind == MediaKind.UNKNOWN
    assert "ไม่สามารถระบุชนิด" in file_reason(EvidenceSlot.OUTCOME, info)


# --- size limits ---------------------------------------------------------------------------------

def test_size_limits_per_kind(tmp_path, settings):
    settings.EVIDENCE_MAX_DOCUMENT_BYTES = 1000
    info = inspect_bytes(tmp_path, pdf_bytes(3), "big.pdf")
    assert info.problem.startswith("ไฟล์ใหญ่เกินกำหนด")
    settings.EVIDENCE_MAX_VIDEO_BYTES = 500
    video = media.inspect(str(write_video(tmp_path / "v.mp4", 60)))
    assert video.problem.startswith("ไฟล์ใหญ่เกินกำหนด")


# --- ClamAV --------------------------------------------------------------------------------------

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd:
    """Speaks clamd's INSTREAM on 127.0.0.1: finds the EICAR string, or answers ``reply``."""

    def __init__(self, reply: bytes | None = None):
        self.reply = reply
        self.received = b""
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        conn, _ = self.server.accept()
        with conn:
            command = b""
            while not command.endswith(b"\0"):
                command += conn.recv(1)
            assert command == b"zINSTREAM\0"
            data = b""
            while True:
                (size,) = struct.unpack("!L", self._exactly(conn, 4))
                if not size:
                    break
                data += self._exactly(conn, size)
            self.received = data
            reply = self.reply or (b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data
                                   else b"stream: OK\0")
            conn.sendall(reply)
        self.server.close()

    @staticmethod
    def _exactly(conn, n):
        buf = b""
        while len(buf) < n:
            chunk = conn.recv(n - len(buf))
            if not chunk:
                raise ConnectionError
            buf += chunk
        return buf


def test_clamav_finds_a_virus(tmp_path, settings):
    clamd = FakeClamd()
    settings.CLAMAV_URL = f"tcp://127.0.0.1:{clamd.port}"
    data = pdf_bytes(1).replace(b"%%EOF", b"%" + EICAR + b"\n%%EOF")
    info = inspect_bytes(tmp_path, data, "infected.pdf")
    clamd.thread.join(5)
    assert clamd.received == data
    assert info.problem == "พบไวรัส Eicar-Test-Signature ในไฟล์นี้"
    assert info.details["virus_scan"] == "infected"
    assert file_reason(EvidenceSlot.LESSON_PLAN, info) == info.problem


def test_clamav_clean_file_and_unreachable_scanner(tmp_path, settings):
    clamd = FakeClamd()
    settings.CLAMAV_URL = f"tcp://127.0.0.1:{clamd.port}"
    info = inspect_bytes(tmp_path, pdf_bytes(1), "clean.pdf")
    assert info.problem is None
    assert info.details["virus_scan"] == "clean"
    clamd.thread.join(5)
    # nothing listens there any more: a transient error, for the task to retry
    with pytest.raises(media.ScannerUnavailableError):
        inspect_bytes(tmp_path, pdf_bytes(1), "again.pdf")


def test_clamav_stream_limit_is_recorded_not_rejected(tmp_path, settings):
    clamd = FakeClamd(reply=b"INSTREAM size limit exceeded. ERROR\0")
    settings.CLAMAV_URL = f"tcp://127.0.0.1:{clamd.port}"
    info = inspect_bytes(tmp_path, pdf_bytes(1), "large.pdf")
    assert info.problem is None
    assert info.details["virus_scan"] == "too_large_for_scanner"


# --- PDF polyglots: data after the last %%EOF ---------------------------------------------------

def _zip_bytes() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("run.sh", "echo hello\n" * 50)
    return out.getvalue()


def _incrementally_updated_pdf() -> bytes:
    """A PDF with an incremental update appended by pypdf: two %%EOF markers."""
    import io

    from pypdf import PdfWriter

    original = pdf_bytes(2)
    writer = PdfWriter(io.BytesIO(original), incremental=True)
    writer.add_metadata({"/Title": "updated"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_with_a_zip_appended_is_refused(tmp_path):
    polyglot = inspect_bytes(tmp_path, pdf_bytes(2) + _zip_bytes(), "polyglot.pdf")
    assert polyglot.media_kind == MediaKind.PDF
    assert "ต่อท้าย" in polyglot.problem
    assert "ต่อท้าย" in file_reason(EvidenceSlot.LESSON_PLAN, polyglot)
    # a few bytes of text after the end are refused too
    assert inspect_bytes(tmp_path, pdf_bytes(1) + b"\n<script>", "script.pdf").problem
    # more appended than the tail that is read: no marker in the tail at all
    big = inspect_bytes(tmp_path, pdf_bytes(1) + b"PK" + b"x" * (media.PDF_TAIL_BYTES + 10),
                        "big.pdf")
    assert "ต่อท้าย" in big.problem


def test_trailing_whitespace_and_incremental_updates_pass(tmp_path):
    padded = inspect_bytes(tmp_path, pdf_bytes(2) + b"\r\n \n\x00\x00\n", "padded.pdf")
    assert (padded.problem, padded.pages) == (None, 2)
    data = _incrementally_updated_pdf()
    assert data.count(b"%%EOF") >= 2
    updated = inspect_bytes(tmp_path, data, "updated.pdf")
    assert (updated.problem, updated.pages) == (None, 2)


def test_the_trailing_data_check_reads_only_the_tail(tmp_path):
    """An object-store source is read through ranges: the check seeks to the tail instead of
    reading the whole file (here a source whose reads are counted)."""
    import io

    data = b"%PDF-1.4\n" + b"0" * (3 * media.PDF_TAIL_BYTES) + b"\n%%EOF\n"
    reads = []

    class Counting(io.BytesIO):
        def read(self, n=-1):
            chunk = super().read(n)
            reads.append((self.tell() - len(chunk), len(chunk)))
            return chunk

    source = media.Source(opener=lambda: Counting(data), size=len(data))
    assert media._pdf_has_trailing_data(source) is False
    assert sum(n for _, n in reads) <= media.PDF_TAIL_BYTES
    assert reads[0][0] == len(data) - media.PDF_TAIL_BYTES
