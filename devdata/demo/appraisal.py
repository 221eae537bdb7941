"""Demo data for appraisal (``seed_demo``): PA results for the demo school's teachers, and a few
requests on their way so that the office's list and the checks have something to show.

The demo ``teacher`` keeps no request: they try the form themselves. Evidence files here are
small real files (a PDF from fpdf2, a two-second video from PyAV) marked valid directly: a demo
shortcut, like the other demo records; the portal's own uploads are checked by the worker."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization
from accounts.rules import Role
from appraisal.models import Application, EvidenceFile, PAResult, SubjectArea
from appraisal.services import applications as services
from personnel.choices import PositionType
from personnel.models import Person
from personnel.rules import fiscal_year_be

DEMO_SCHOOL = "1048010001"


def _pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text="D-LEP demo lesson plan")
    return bytes(pdf.output())


def _video() -> bytes:
    import av

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.mp4"
        with av.open(str(path), "w") as container:
            stream = container.add_stream("mpeg4", rate=5)
            stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
            for i in range(10):
                frame = av.VideoFrame(64, 48, "yuv420p")
                for plane, value in zip(frame.planes, ((i * 25) % 220 + 16, 128, 128),
                                        strict=True):
                    plane.update(bytes([value]) * plane.buffer_size)
                frame.pts = i
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        return path.read_bytes()


def _files(application: Application, pdf: bytes, video: bytes) -> None:
    for slot, kind, data, suffix in (("lesson_plan", "pdf", pdf, "pdf"),
                                     ("inspiration_video", "video", video, "mp4"),
                                     ("teaching_video", "video", video, "mp4"),
                                     ("outcome", "pdf", pdf, "pdf")):
        EvidenceFile.objects.create(
            application=application, slot=slot, position=1, original_name=f"{slot}.{suffix}",
            file=ContentFile(data, f"{slot}.{suffix}"), size=len(data), state="valid",
            media_kind=kind, content_type="application/pdf" if kind == "pdf" else "video/mp4",
            pages=1 if kind == "pdf" else None, duration_seconds=2.0 if kind == "video" else None,
            checked_at=timezone.now())


@transaction.atomic
def build() -> int:
    """Idempotent: does nothing once the demo school has PA results."""
    school = Organization.objects.filter(code=DEMO_SCHOOL).first()
    if school is None or PAResult.objects.filter(organization=school).exists():
        return 0
    year = fiscal_year_be(timezone.localdate()) - 1
    pdf = _pdf()
    teachers = list(Person.objects.filter(organization=school, position_type=PositionType.TEACHER,
                                          user__isnull=False).select_related("user")
                    .order_by("pk"))
    for n, person in enumerate(teachers):
        part1 = Decimal(48 + n % 10)
        PAResult.objects.create(
            person=person, organization=school, fiscal_year_be=year,
            part1_1=part1, part1_2=part1 - 2, part1_3=part1 - 1, part2_1=Decimal(30),
            part2_2=Decimal(31), part2_3=Decimal(29), education_level="basic",
            teaching_hours=Decimal(18), total_hours=Decimal(26), workload_met=True,
            pa3_file=ContentFile(pdf, "pa3.pdf"))
    _experts(year)
    admin = Membership.objects.filter(organization=school, role=Role.SCHOOL_ADMIN,
                                      is_active=True).select_related("user").first()
    others = [p for p in teachers if p.user.username != "teacher"
              and p.standing in ("none", "professional")][:3]
    if admin is None or not others:
        return len(teachers)
    video = _video()
    area = SubjectArea.objects.get(classroom_type="primary", name="สาขาภาษาไทย")
    for n, person in enumerate(others):
        application = services.create_application(
            actor=person.user, person=person, classroom_type="primary", subject_area=area,
            work_title=f"การพัฒนาทักษะการอ่านออกเสียงด้วยนิทานพื้นบ้าน ({n + 1})")
        _files(application, pdf, video)
        # the demo's teachers have no licence on record: they confirm submitting anyway
        services.submit_application(actor=person.user, application=application,
                                    confirm_failed=True)
        if n < 2:  # two at the office, one still waiting for the school director
            services.school_certify(actor=admin.user, application=application)
    return len(teachers)


def _experts(year_be: int) -> None:
    """Six experts homed in แพร่ who may assess Thai (primary) for the first two standings, so
    that a draw for the demo school in นครพนม has a pool (a demo shortcut: written directly)."""
    from appraisal.models import Expert

    province = Organization.objects.filter(code="54").first()
    if province is None:
        return
    area = SubjectArea.objects.get(classroom_type="primary", name="สาขาภาษาไทย")
    people = Person.objects.filter(organization__path__startswith=province.path,
                                   position_type=PositionType.TEACHER,
                                   user__isnull=False).select_related("user").order_by("pk")[:6]
    for person in people:
        expert, created = Expert.objects.get_or_create(
            user=person.user, defaults={
                "organization": province, "title_th": person.title_th,
                "first_name": person.first_name, "last_name": person.last_name,
                "email": person.user.email, "home_organization": person.organization,
                "position": "ครู วิทยฐานะครูเชี่ยวชาญ",
                "standings": ["professional", "senior_professional"],
                "active_from": timezone.localdate().replace(month=1, day=1),
                "max_concurrent": 3})
        if created:
            expert.subject_areas.set([area])
