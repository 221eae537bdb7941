"""Small test media made on the spot (PDFs with fpdf2/pypdf, videos with PyAV, images with
Pillow), and applications with evidence files to attach them to. Nothing large is committed."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

from django.core.files.base import ContentFile

from appraisal.choices import EvidenceSlot, FileState, MediaKind
from appraisal.models import Application, EvidenceFile

# --- PDFs -----------------------------------------------------------------------------------------


def pdf_bytes(pages: int = 1, *, size: str | tuple[float, float] = "A4",
              sizes: list | None = None) -> bytes:
    """A PDF of ``pages`` pages of ``size`` ("A4", "A3" or (w, h) in mm), or of ``sizes``."""
    from fpdf import FPDF

    sizes = sizes or [size] * pages
    pdf = FPDF(unit="mm")
    pdf.set_font("helvetica", size=12)
    for n, page_size in enumerate(sizes, start=1):
        pdf.add_page(format=page_size)
        pdf.cell(text=f"page {n}")
    return bytes(pdf.output())


def padded_pdf_bytes(pages: int, padding: bytes) -> bytes:
    """A sound PDF made large by an embedded file of ``padding`` (stored uncompressed), rather
    than by bytes appended after its end, which the evidence check refuses."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages))))
    writer.add_attachment("padding.bin", padding)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf_bytes(password: str = "secret") -> bytes:  # noqa: S107
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(2))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- images ---------------------------------------------------------------------------------------

def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(out, format=fmt)
    return out.getvalue()


# --- videos ---------------------------------------------------------------------------------------

def _frame(av, index: int, width: int, height: int):
    frame = av.VideoFrame(width, height, "yuv420p")
    luma = bytes([(index * 37) % 220 + 16]) * frame.planes[0].buffer_size
    frame.planes[0].update(luma)
    frame.planes[1].update(bytes([128]) * frame.planes[1].buffer_size)
    frame.planes[2].update(bytes([128]) * frame.planes[2].buffer_size)
    return frame


def write_video(path: Path | str, seconds: float, *, fps: int = 1, size: tuple[int, int] = (16, 16),
                codec: str = "mpeg4", container: str | None = None,
                options: dict | None = None) -> Path:
    """A tiny video of exactly ``seconds`` (a frame a second by default: 10 minutes encode in a
    few milliseconds)."""
    import av

    path = Path(path)
    width, height = size
    with av.open(str(path), "w", format=container, options=options or {}) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(round(seconds * fps)):
            frame = _frame(av, i, width, height)
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def video_bytes(tmp_path: Path, seconds: float, name: str = "clip.mp4", **kwargs) -> bytes:
    return write_video(tmp_path / name, seconds, **kwargs).read_bytes()


def truncated(data: bytes, keep: float = 0.6) -> bytes:
    return data[: int(len(data) * keep)]


def executable_bytes() -> bytes:
    """A real program (an ELF binary), to be renamed .pdf."""
    path = shutil.which("true") or sys.executable
    return Path(path).read_bytes()


# --- applications and files -----------------------------------------------------------------------

def make_application(side, **fields) -> Application:
    """An editable application of ``side.person`` (whose user is side's staff member)."""
    from tests.appraisal.factories import make_application as make

    return make(side.person, **fields)


def application_of(side) -> Application:
    """side's application (made once)."""
    existing = Application.objects.filter(person=side.person).first()
    return existing or make_application(side)


def stored_file(application: Application, slot: str = EvidenceSlot.LESSON_PLAN, position: int = 1,
                *, data: bytes | None = None, name: str = "lesson.pdf",
                state: str = FileState.VALID, media_kind: str = MediaKind.PDF,
                content_type: str = "application/pdf", **fields) -> EvidenceFile:
    """An evidence file put straight into the database and the storage (no upload, no check)."""
    data = pdf_bytes(2) if data is None else data
    evidence = EvidenceFile(application=application, slot=slot, position=position,
                            original_name=name, size=len(data), state=state,
                            media_kind=media_kind, content_type=content_type,
                            uploaded_by=application.person.user, **fields)
    evidence.file.save(name, ContentFile(data), save=False)
    evidence.save()
    return evidence


def evidence_of(side) -> EvidenceFile:
    """A lesson plan of side's application, named with side's marker (made once)."""
    application = application_of(side)
    existing = application.files.first()
    if existing is not None:
        return existing
    return stored_file(application, name=f"แผน {side.school.name}.pdf")


def upload_of(side):
    """An unfinished tus upload by side's applicant (made once)."""
    from appraisal.models import Upload

    application = application_of(side)
    existing = Upload.objects.filter(application=application).first()
    if existing is not None:
        return existing
    return Upload.objects.create(application=application, slot=EvidenceSlot.LESSON_PLAN,
                                 position=1, filename=f"แผน {side.school.name}.pdf", length=10,
                                 created_by=side.person.user)
