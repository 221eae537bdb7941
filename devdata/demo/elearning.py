"""e-Learning in the demo world (called by ``devdata.demo.build``): the seed's channels and
requirements, a few courses per channel, the rounds of fiscal years 2569 and 2570, and
completions so that the dashboards have something to show. Idempotent and quick: rows are found
first, and the completions are written straight to the table once (a demo shortcut, as the
registry's demo records are)."""

from __future__ import annotations

import datetime
import io
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from accounts.rules import OrgKind
from elearning import rules, services
from elearning.models import (
    Channel,
    Completion,
    CompletionSource,
    CompletionStatus,
    Course,
    UnitReport,
)

SEED = 2569
FISCAL_YEARS_BE = (2569, 2570)

COURSES = {
    rules.OCSC: [
        ("OCSC-DG01", "การเป็นข้าราชการที่ดี", 3),
        ("OCSC-DG07", "ความรู้พื้นฐานด้านดิจิทัลสำหรับข้าราชการ", 6),
        ("OCSC-PD12", "การคิดเชิงออกแบบ (Design Thinking)", 4),
    ],
    rules.THAI_MOOC: [
        ("TM-EDU101", "การจัดการเรียนรู้เชิงรุก (Active Learning)", 10),
        ("TM-EDU205", "จิตวิทยาสำหรับครู", 8),
    ],
    rules.LOCAL_MOOC: [
        ("LM-001", "ระเบียบงานบุคคลส่วนท้องถิ่น", 3),
        ("LM-014", "การพัฒนาสมรรถนะครูท้องถิ่น", 5),
        ("LM-020", "การบริหารสถานศึกษาสังกัดองค์กรปกครองส่วนท้องถิ่น", 6),
    ],
}


def _certificate_png() -> bytes:
    """A small picture of a certificate, for the demo's self-recorded completions."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (420, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 411, 291), outline=(180, 140, 40), width=6)
    draw.rectangle((40, 60, 380, 80), fill=(220, 220, 220))
    draw.rectangle((80, 120, 340, 135), fill=(235, 235, 235))
    draw.rectangle((150, 220, 270, 226), fill=(120, 120, 120))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@transaction.atomic
def build(orgs, today: datetime.date | None = None) -> int:
    """Returns the number of completions created (0 when they exist already)."""
    today = today or timezone.localdate()
    services.ensure_defaults()
    rounds = {}
    for year in FISCAL_YEARS_BE:
        for round_ in services.ensure_rounds(actor=None, fiscal_year_be=year):
            rounds[(year, round_.number)] = round_
    channels = {c.code: c for c in Channel.objects.all()}
    courses = []
    for code, items in COURSES.items():
        for course_code, name, hours in items:
            courses.append(Course.objects.get_or_create(
                channel=channels[code], name=name,
                defaults={"code": course_code, "hours": hours})[0])
    if Completion.objects.exists():
        return 0
    return _completions(orgs, rounds, courses, today)


def _completions(orgs, rounds, courses, today) -> int:
    rng = random.Random(SEED)
    learners = list(Membership.objects.filter(
        is_active=True, organization__kind__in=[OrgKind.SCHOOL, OrgKind.PROVINCE, OrgKind.LAO],
    ).exclude(user__username="teacher").select_related("user", "organization")
        .order_by("user__username", "pk"))
    seen = set()
    local = [c for c in courses if c.channel.code == rules.LOCAL_MOOC]
    other = [c for c in courses if c.channel.code != rules.LOCAL_MOOC]
    rows: list[Completion] = []
    png = _certificate_png()
    now = timezone.now()

    def add(m, course, day, status=CompletionStatus.ACCEPTED, certificate=False, reason=""):
        if day > today:
            return
        completion = Completion(
            user=m.user, organization=m.organization, course=course, completed_on=day,
            status=status, decision_reason=reason,
            source=CompletionSource.SELF if certificate else CompletionSource.IMPORT,
            decided_at=None if status == CompletionStatus.PENDING else now,
            certificate_type="image/png" if certificate else "",
            certificate_size=len(png) if certificate else 0)
        if certificate:
            completion.certificate.save("certificate.png", ContentFile(png), save=False)
        rows.append(completion)

    for m in learners:
        if m.user_id in seen:
            continue
        seen.add(m.user_id)
        head = m.position.startswith(rules.PROVINCIAL_HEAD_POSITION)
        for round_ in rounds.values():
            start = round_.starts_on
            span = (min(round_.ends_on, today) - start).days
            if span < 0:
                continue
            day = start + datetime.timedelta(days=rng.randint(0, max(span, 0)))
            current = round_.starts_on <= today <= round_.ends_on
            if head:
                # ท้องถิ่นจังหวัด: the past rounds met; in the current round 2 of 3, one
                # through Local MOOC, so the dashboard shows why the rule is stricter
                picks = [local[0], other[0]] if current else [local[0], local[1], other[1]]
                for course in picks:
                    add(m, course, day)
                continue
            chance = 0.45 if current else 0.9
            if rng.random() < chance:
                add(m, rng.choice(courses), day,
                    certificate=current and rng.random() < 0.3)
            elif current and rng.random() < 0.25:
                add(m, rng.choice(courses), day, status=CompletionStatus.PENDING,
                    certificate=True)
    Completion.objects.bulk_create(rows, batch_size=500)
    # นครพนม reported round 1 of 2569 on 18 March 2569: three working days late.
    province = orgs.get("48")
    round_1 = rounds.get((2569, rules.ROUND_1))
    reported = datetime.date(2026, 3, 18)
    if (province is not None and round_1 is not None and today >= reported
            and not UnitReport.objects.filter(round=round_1, organization=province).exists()):
        services.record_report_submission(actor=None, organization=province, round_=round_1,
                                          submitted_on=reported, today=today,
                                          note="ส่งทางไปรษณีย์อิเล็กทรอนิกส์")
    return len(rows)

