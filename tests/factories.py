"""Shared factories and a small two-province world for tests.

Organisations are made through ``accounts.services.create_organization`` (system actor) so that
the tree is built the way the portal builds it.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

import factory

from accounts import national_id
from accounts.models import Membership, Organization, User
from accounts.rules import LaoType, OrgKind, Role, SchoolType
from personnel.choices import Gender, PositionType, SalaryRank
from personnel.models import CertificationRound, Person

_ids = itertools.count(100_000_000_001)
_codes = itertools.count(1)
PASSWORD = "test-pass-1234"


def valid_national_id() -> str:
    first_twelve = f"{next(_ids):012d}"[-12:]
    return first_twelve + national_id.check_digit(first_twelve)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    title_th = "นาง"
    first_name = factory.Sequence(lambda n: f"สมศรี{n}")
    last_name = "ใจดี"
    national_id = factory.LazyFunction(valid_national_id)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 (factory_boy's signature)
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    national_id = factory.LazyFunction(valid_national_id)
    title_th = "นาง"
    first_name = factory.Sequence(lambda n: f"มาลี{n}")
    last_name = "รักเรียน"
    birth_date = datetime.date(1985, 6, 15)
    gender = Gender.FEMALE
    position_type = PositionType.TEACHER
    salary_rank = SalaryRank.KS1
    appointed_on = datetime.date(2018, 5, 16)


def certification_round(side: Side, deadline=datetime.date(2026, 3, 31), fiscal_year_be=2569):
    return CertificationRound.objects.get_or_create(
        province=side.province, fiscal_year_be=fiscal_year_be, defaults={"deadline": deadline}
    )[0]


PNG_BYTES = (  # a 1×1 transparent PNG
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18"
    b"\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def document_of(side: Side, kind: str = "scan"):
    """A document attached to side's person (made once), through the real service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from personnel import services

    existing = side.person.documents.first()
    if existing is not None:
        return existing
    upload = SimpleUploadedFile("scan.pdf", PDF_BYTES, content_type="application/pdf")
    return services.attach_document(actor=None, person=side.person, kind=kind,
                                    title="สำเนาบัตร MARKER-A", upload=upload)


def pending_registration(side: Side):
    """A verified staff registration waiting at side's school (made once)."""
    from accounts import staff_registration
    from accounts.models import StaffRegistration

    existing = StaffRegistration.objects.filter(school=side.school, status="pending").first()
    if existing is not None:
        return existing
    registration = staff_registration.register_staff(
        school_code=side.school.code, national_id_number=valid_national_id(), title_th="นาย",
        first_name="สมหมาย", last_name=f"รอคิว {side.school.name}",
        birth_date=datetime.date(1991, 1, 1), position="teacher",
        email=f"waiting-{side.school.pk}@example.test", password="Kru-Thai-2569!",
    )
    return staff_registration.verify_staff_email(
        staff_registration.verification_token(registration))


def pending_move(world: World):
    """A request by side B for side A's person, waiting at side A (made once)."""
    from personnel import services
    from personnel.models import MoveRequest

    existing = MoveRequest.objects.filter(person=world.a.person).first()
    if existing is not None:
        return existing
    return services.request_move(actor=None, national_id_number=world.a.person.national_id,
                                 to_organization=world.b.school, reason="คำสั่งย้าย")


def school_admin_request(side: Side):
    """A pending school-admin request at side's school, with a delegation PDF (made once)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts import registration
    from accounts.models import SchoolAdminRegistration

    existing = SchoolAdminRegistration.objects.filter(school=side.school).first()
    if existing is not None:
        return existing
    return registration.register_school_admin(
        school=side.school, title_th="นาง", first_name="มอบหมาย",
        last_name=f"แทนผู้อำนวยการ {side.school.name}", position="teacher",
        email=f"delegate-{side.school.pk}@example.test", phone="", acting_director_elsewhere=False,
        delegation=SimpleUploadedFile("delegation.pdf", PDF_BYTES, content_type="application/pdf"),
    )


def issuing_job_of(side: Side):
    """A finished credential-issuing job for side's province, requested by its province admin,
    with both files (made once)."""
    from django.core.files.base import ContentFile

    from accounts.models import IssuingJob, JobStatus

    existing = IssuingJob.objects.filter(organization=side.province).first()
    if existing is not None:
        return existing
    job = IssuingJob(organization=side.province, requested_by=side.users[Role.PROVINCE_ADMIN],
                     status=JobStatus.DONE, total=1, done=1)
    job.pdf.save("slips.pdf", ContentFile(PDF_BYTES), save=False)
    job.xlsx.save("list.xlsx", ContentFile(b"PK\x03\x04 MARKER-A"), save=False)
    job.save()
    return job


def make_org(parent: Organization | None, kind: str, name: str, **extra) -> Organization:
    fields = {
        "kind": kind,
        "name": name,
        "code": extra.pop("code", f"T{next(_codes):06d}"),
        "lao_type": extra.pop("lao_type", LaoType.SAO if kind == OrgKind.LAO else ""),
        "school_type": extra.pop(
            "school_type", SchoolType.SCHOOL if kind == OrgKind.SCHOOL else ""
        ),
        **extra,
    }
    if parent is None:
        return Organization.objects.add_root(fields)
    return Organization.objects.add_child(parent, fields)


def member(user: User, org: Organization, role: str) -> User:
    Membership.objects.create(user=user, organization=org, role=role)
    return user


@dataclass
class Side:
    """One province's branch: province → district → LAO → two schools, with a user per role."""

    province: Organization
    district: Organization
    lao: Organization
    school: Organization
    school2: Organization
    users: dict[str, User]
    person: Person


@dataclass
class World:
    agency: Organization
    a: Side
    b: Side
    dla_admin: User


def build_side(agency: Organization, tag: str) -> Side:
    province = make_org(agency, OrgKind.PROVINCE, f"จังหวัด {tag}")
    district = make_org(province, OrgKind.DISTRICT, f"อำเภอ {tag}")
    lao = make_org(district, OrgKind.LAO, f"อบต. {tag}", lao_type=LaoType.SAO)
    school = make_org(lao, OrgKind.SCHOOL, f"โรงเรียน {tag}")
    school2 = make_org(lao, OrgKind.SCHOOL, f"ศพด. {tag}",
                       school_type=SchoolType.CHILD_DEVELOPMENT_CENTRE)
    users = {
        Role.PROVINCE_ADMIN: member(UserFactory(), province, Role.PROVINCE_ADMIN),
        Role.OFFICER: member(UserFactory(), province, Role.OFFICER),
        Role.GROUP_HEAD: member(UserFactory(), province, Role.GROUP_HEAD),
        Role.LAO_ADMIN: member(UserFactory(), lao, Role.LAO_ADMIN),
        Role.SCHOOL_ADMIN: member(UserFactory(), school, Role.SCHOOL_ADMIN),
        Role.STAFF: member(UserFactory(), school, Role.STAFF),
    }
    person = PersonFactory(organization=school, user=users[Role.STAFF], last_name=f"ใจดี {tag}")
    return Side(province, district, lao, school, school2, users, person)


def build_world(tag_a: str = "MARKER-A", tag_b: str = "MARKER-B") -> World:
    agency = make_org(None, OrgKind.AGENCY, "กรมส่งเสริมการปกครองท้องถิ่น")
    a = build_side(agency, tag_a)
    b = build_side(agency, tag_b)
    dla_admin = member(UserFactory(), agency, Role.DLA_ADMIN)
    return World(agency, a, b, dla_admin)
