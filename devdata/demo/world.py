"""A small, true-to-life demo world (issue: foundation, item 9).

DLA; the provinces นครพนม and แพร่ with their committees; two districts each; six LAOs of mixed
types; twelve schools and child development centres; about 150 staff with Thai names, valid
national IDs and a ก.พ.7 record each; one login for every role. Building it twice changes
nothing: every row is found by its code, username or national ID first.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from faker import Faker
from pythainlp.transliterate import romanize

from accounts import national_id
from accounts.models import Membership, Organization, User
from accounts.rules import CommitteeKind, LaoType, OrgKind, Role, SchoolType
from committees.models import Committee
from personnel.choices import (
    AcademicStanding,
    DegreeLevel,
    Gender,
    PerformanceLevel,
    PositionType,
    SalaryRank,
)
from personnel.models import (
    Degree,
    PerformanceResult,
    Person,
    PositionHistory,
    TeachingLicence,
)

DEMO_PASSWORD = "demo1234"  # noqa: S105 (published demo password)
SEED = 2568

# (code, name, name_en, children)
TREE = {
    "code": "00000",
    "name": "กรมส่งเสริมการปกครองท้องถิ่น",
    "name_en": "Department of Local Administration",
    "kind": OrgKind.AGENCY,
    "children": [
        {
            "code": "48", "name": "นครพนม", "name_en": "Nakhon Phanom", "kind": OrgKind.PROVINCE,
            "committees": [CommitteeKind.KJJ, CommitteeKind.KTJ, CommitteeKind.KOBTJ],
            "children": [
                {"code": "6480000", "name": "องค์การบริหารส่วนจังหวัดนครพนม",
                 "name_en": "Nakhon Phanom PAO", "kind": OrgKind.LAO, "lao_type": LaoType.PAO,
                 "children": [
                     {"code": "1048000001", "name": "โรงเรียนนครพนมวิทยาคม อบจ.",
                      "school_type": SchoolType.SCHOOL},
                     {"code": "1048000002", "name": "ศูนย์พัฒนาเด็กเล็ก อบจ.นครพนม",
                      "school_type": SchoolType.CHILD_DEVELOPMENT_CENTRE},
                 ]},
                {"code": "4801", "name": "อำเภอเมืองนครพนม", "name_en": "Mueang Nakhon Phanom",
                 "kind": OrgKind.DISTRICT, "children": [
                     {"code": "5480101", "name": "เทศบาลเมืองนครพนม",
                      "name_en": "Nakhon Phanom Town Municipality", "kind": OrgKind.LAO,
                      "lao_type": LaoType.TOWN_MUNICIPALITY, "children": [
                          {"code": "1048010001", "name": "โรงเรียนเทศบาล ๑ (บ้านหนองแสง)",
                           "school_type": SchoolType.SCHOOL},
                          {"code": "1048010002", "name": "ศูนย์พัฒนาเด็กเล็กเทศบาลเมืองนครพนม",
                           "school_type": SchoolType.CHILD_DEVELOPMENT_CENTRE},
                      ]},
                     {"code": "6480102", "name": "องค์การบริหารส่วนตำบลอาจสามารถ",
                      "name_en": "At Samat SAO", "kind": OrgKind.LAO, "lao_type": LaoType.SAO,
                      "children": [
                          {"code": "1048010101", "name": "โรงเรียนบ้านอาจสามารถ (อบต.)",
                           "school_type": SchoolType.SCHOOL},
                          {"code": "1048010102", "name": "ศูนย์พัฒนาเด็กเล็กบ้านอาจสามารถ",
                           "school_type": SchoolType.CHILD_DEVELOPMENT_CENTRE},
                      ]},
                 ]},
                {"code": "4805", "name": "อำเภอธาตุพนม", "name_en": "That Phanom",
                 "kind": OrgKind.DISTRICT, "children": [
                     {"code": "5480501", "name": "เทศบาลตำบลธาตุพนม",
                      "name_en": "That Phanom Subdistrict Municipality", "kind": OrgKind.LAO,
                      "lao_type": LaoType.SUBDISTRICT_MUNICIPALITY, "children": [
                          {"code": "1048050001", "name": "โรงเรียนเทศบาลธาตุพนม",
                           "school_type": SchoolType.SCHOOL},
                          {"code": "1048050002", "name": "ศูนย์พัฒนาเด็กเล็กเทศบาลตำบลธาตุพนม",
                           "school_type": SchoolType.CHILD_DEVELOPMENT_CENTRE},
                      ]},
                 ]},
            ],
        },
        {
            "code": "54", "name": "แพร่", "name_en": "Phrae", "kind": OrgKind.PROVINCE,
            "committees": [CommitteeKind.KJJ, CommitteeKind.KTJ, CommitteeKind.KOBTJ],
            "children": [
                {"code": "5401", "name": "อำเภอเมืองแพร่", "name_en": "Mueang Phrae",
                 "kind": OrgKind.DISTRICT, "children": [
                     {"code": "5540101", "name": "เทศบาลเมืองแพร่",
                      "name_en": "Phrae Town Municipality", "kind": OrgKind.LAO,
                      "lao_type": LaoType.TOWN_MUNICIPALITY, "children": [
                          {"code": "1054010001", "name": "โรงเรียนเทศบาล ๑ ชัยมงคล",
                           "school_type": SchoolType.SCHOOL},
                          {"code": "1054010002", "name": "ศูนย์พัฒนาเด็กเล็กเทศบาลเมืองแพร่",
                           "school_type": SchoolType.CHILD_DEVELOPMENT_CENTRE},
                      ]},
                 ]},
                {"code": "5404", "name": "อำเภอสูงเม่น", "name_en": "Sung Men",
                 "kind": OrgKind.DISTRICT, "children": [
                     {"code": "6540401", "name": "องค์การบริหารส่วนตำบลสูงเม่น",
                      "name_en": "Sung Men SAO", "kind": OrgKind.LAO, "lao_type": LaoType.SAO,
                      "children": [
                          {"code": "1054040001", "name": "โรงเรียนบ้านสูงเม่น (อบต.)",
                           "school_type": SchoolType.SCHOOL},
                          {"code": "1054040002", "name": "ศูนย์พัฒนาเด็กเล็กบ้านสูงเม่น",
                           "school_type": SchoolType.CHILD_DEVELOPMENT_CENTRE},
                      ]},
                 ]},
            ],
        },
    ],
}

# username, role, organisation code, position, (title, first, last)
DEMO_LOGINS = [
    ("dla_admin", Role.DLA_ADMIN, "00000", "นักวิชาการศึกษาชำนาญการพิเศษ",
     ("นาย", "ประเสริฐ", "ศรีสุวรรณ")),
    ("province_admin", Role.PROVINCE_ADMIN, "48", "ท้องถิ่นจังหวัดนครพนม",
     ("นาง", "สุภาพร", "วงศ์ไชย")),
    ("province_admin_phrae", Role.PROVINCE_ADMIN, "54", "ท้องถิ่นจังหวัดแพร่",
     ("นาย", "ธนพล", "คำแปง")),
    ("lao_admin", Role.LAO_ADMIN, "5480101", "ผู้อำนวยการกองการศึกษา",
     ("นาย", "วิชัย", "พรหมมา")),
    ("school_admin", Role.SCHOOL_ADMIN, "1048010001", "ผู้อำนวยการสถานศึกษา",
     ("นาง", "อรุณี", "แสนสุข")),
    ("teacher", Role.STAFF, "1048010001", "ครู", ("นางสาว", "กมลวรรณ", "ศรีนคร")),
    ("officer", Role.OFFICER, "48", "นักวิชาการศึกษา", ("นาย", "อนุชา", "บุญมา")),
    ("group_head", Role.GROUP_HEAD, "48", "หัวหน้ากลุ่มงานส่งเสริมการศึกษา",
     ("นาง", "พัชรี", "ทองดี")),
]

STAFF_PER_SCHOOL = 12
STAFF_POSITIONS = ["ครู"] * 8 + ["ครูผู้ช่วย", "รองผู้อำนวยการสถานศึกษา", "ครู", "ครู"]
CDC_POSITIONS = ["ครู"] * 6 + ["ครูผู้ช่วย", "ผู้อำนวยการศูนย์พัฒนาเด็กเล็ก"] + ["ครู"] * 4


@dataclass
class Summary:
    organizations_created: int = 0
    users_created: int = 0
    committees_created: int = 0
    people_created: int = 0


def _national_id(rng: random.Random) -> str:
    # First digit 1–8 (citizens); the 13th digit is the checksum.
    first_twelve = str(rng.randint(1, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(11))
    return first_twelve + national_id.check_digit(first_twelve)


def _english(name: str) -> str:
    return romanize(name, engine="royin").title()


def build() -> tuple[Summary, dict[str, Organization]]:
    """The organisations, accounts, ก.พ.7 records and the certification round."""
    summary = Summary()
    orgs: dict[str, Organization] = {}

    def make(node, parent):
        kind = node.get("kind", OrgKind.SCHOOL)
        org = Organization.objects.filter(code=node["code"]).first()
        if org is None:
            fields = {
                "code": node["code"], "name": node["name"], "name_en": node.get("name_en", ""),
                "kind": kind, "lao_type": node.get("lao_type", ""),
                "school_type": node.get("school_type", ""),
            }
            org = (
                Organization.objects.add_child(parent, fields) if parent
                else Organization.objects.add_root(fields)
            )
            summary.organizations_created += 1
        orgs[org.code] = org
        for committee_kind in node.get("committees", []):
            _, created = Committee.objects.get_or_create(province=org, kind=committee_kind)
            summary.committees_created += created
        for child in node.get("children", []):
            make(child, org)

    make(TREE, None)

    password = make_password(DEMO_PASSWORD)  # hashed once: 150 hashes would take a minute
    rng = random.Random(SEED)
    fake = Faker("th_TH")
    fake.seed_instance(SEED)

    existing = set(User.objects.values_list("username", flat=True))
    used_ids = set(User.objects.exclude(national_id=None).values_list("national_id", flat=True))

    def new_id():
        while True:
            nid = _national_id(rng)
            if nid not in used_ids:
                used_ids.add(nid)
                return nid

    def ensure_user(username, role, org_code, position, names, email_domain="demo.dlep.local"):
        title, first, last = names
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(
                username=username, password=password, email=f"{username}@{email_domain}",
                title_th=title, first_name=first, last_name=last,
                title_en={"นาย": "Mr.", "นาง": "Mrs.", "นางสาว": "Miss"}.get(title, ""),
                first_name_en=_english(first), last_name_en=_english(last),
                national_id=new_id(), phone=f"08{rng.randint(10000000, 99999999)}",
            )
            summary.users_created += 1
        Membership.objects.get_or_create(
            user=user, organization=orgs[org_code], role=role, defaults={"position": position}
        )
        return user

    for username, role, org_code, position, names in DEMO_LOGINS:
        ensure_user(username, role, org_code, position, names)

    schools = sorted((o for o in orgs.values() if o.kind == OrgKind.SCHOOL), key=lambda o: o.code)
    for school in schools:
        positions = (
            CDC_POSITIONS if school.school_type == SchoolType.CHILD_DEVELOPMENT_CENTRE
            else STAFF_POSITIONS
        )
        for i, position in enumerate(positions[:STAFF_PER_SCHOOL], start=1):
            female = rng.random() < 0.7  # most Thai teachers are women
            first = fake.first_name_female() if female else fake.first_name_male()
            title = ("นาง" if rng.random() < 0.6 else "นางสาว") if female else "นาย"
            username = f"t{school.code}{i:02d}"
            if username in existing:
                continue
            names = (title, first, fake.last_name())
            ensure_user(username, Role.STAFF, school.code, position, names)

    # Every LAO has an HR officer (นักทรัพยากรบุคคล) who keeps and certifies its records.
    for lao in sorted((o for o in orgs.values() if o.kind == OrgKind.LAO), key=lambda o: o.code):
        female = rng.random() < 0.6
        first = fake.first_name_female() if female else fake.first_name_male()
        names = ("นาง" if female else "นาย", first, fake.last_name())
        ensure_user(f"hr_{lao.code}", Role.OFFICER, lao.code, "นักทรัพยากรบุคคล", names)

    summary.people_created = _build_roster(orgs)
    _build_certification(orgs)
    return summary, orgs


POSITION_TYPES = {
    "ครู": PositionType.TEACHER,
    "ครูผู้ช่วย": PositionType.ASSISTANT_TEACHER,
    "ผู้อำนวยการสถานศึกษา": PositionType.DIRECTOR,
    "รองผู้อำนวยการสถานศึกษา": PositionType.DEPUTY_DIRECTOR,
    "ผู้อำนวยการศูนย์พัฒนาเด็กเล็ก": PositionType.CDC_DIRECTOR,
}
STANDINGS = [AcademicStanding.NONE] * 3 + [AcademicStanding.PROFESSIONAL] * 4 + [
    AcademicStanding.SENIOR_PROFESSIONAL] * 2 + [AcademicStanding.EXPERT]
RANK_FOR_STANDING = {
    AcademicStanding.NONE: SalaryRank.KS1,
    AcademicStanding.PROFESSIONAL: SalaryRank.KS2,
    AcademicStanding.SENIOR_PROFESSIONAL: SalaryRank.KS3,
    AcademicStanding.EXPERT: SalaryRank.KS4,
}


def _build_roster(orgs) -> int:
    """A ก.พ.7 record for every staff member and school admin of a school, with a few lines of
    history, so that rosters and person pages have something true-looking to show."""
    rng = random.Random(SEED + 1)
    created = 0
    memberships = (
        Membership.objects.filter(role__in=[Role.STAFF, Role.SCHOOL_ADMIN],
                                  organization__kind=OrgKind.SCHOOL)
        .select_related("user", "organization").order_by("user__username", "role")
    )
    have = set(Person.objects.values_list("national_id", flat=True))
    for m in memberships:
        user = m.user
        if user.national_id in have:
            continue
        have.add(user.national_id)
        position = POSITION_TYPES.get(m.position, PositionType.TEACHER)
        standing = (AcademicStanding.NONE if position == PositionType.ASSISTANT_TEACHER
                    else rng.choice(STANDINGS))
        birth = datetime.date(rng.randint(1966, 1998), rng.randint(1, 12), rng.randint(1, 28))
        appointed = datetime.date(max(birth.year + 24, 2008), rng.randint(1, 12),
                                  rng.randint(1, 28))
        person = Person.objects.create(
            national_id=user.national_id, user=user, organization=m.organization,
            title_th=user.title_th, first_name=user.first_name, last_name=user.last_name,
            title_en=user.title_en, first_name_en=user.first_name_en,
            last_name_en=user.last_name_en, birth_date=birth,
            gender=Gender.MALE if user.title_th == "นาย" else Gender.FEMALE,
            position_type=position,
            position_number=f"{m.organization.code[-4:]}-{rng.randint(1, 999):03d}",
            salary_rank=(SalaryRank.KS_ASSISTANT if position == PositionType.ASSISTANT_TEACHER
                         else RANK_FOR_STANDING[standing]),
            salary=rng.randrange(18000, 60000, 10), appointed_on=appointed, standing=standing,
            standing_granted_on=(None if standing == AcademicStanding.NONE
                                 else datetime.date(rng.randint(2015, 2024), 10, 1)),
        )
        Degree.objects.create(person=person, level=DegreeLevel.BACHELOR,
                              field_of_study=rng.choice(DEGREE_FIELDS),
                              institution=rng.choice(INSTITUTIONS),
                              graduated_on=datetime.date(birth.year + 22, 3, 31))
        if position != PositionType.ASSISTANT_TEACHER and rng.random() < 0.9:
            issued = datetime.date(rng.randint(2019, 2025), rng.randint(1, 12), 1)
            TeachingLicence.objects.create(
                person=person, number=f"{rng.randint(10**9, 10**10 - 1)}", issued_on=issued,
                expires_on=issued.replace(year=issued.year + 5),
            )
        for year in (2567, 2568):
            for round_ in (1, 2):
                PerformanceResult.objects.create(
                    person=person, fiscal_year_be=year, round=round_,
                    level=rng.choice([PerformanceLevel.OUTSTANDING, PerformanceLevel.VERY_GOOD,
                                      PerformanceLevel.VERY_GOOD, PerformanceLevel.GOOD]),
                )
        created += 1
    return created


DEGREE_FIELDS = ["การประถมศึกษา", "การศึกษาปฐมวัย", "คณิตศาสตร์", "ภาษาไทย", "ภาษาอังกฤษ",
                 "วิทยาศาสตร์ทั่วไป", "สังคมศึกษา", "พลศึกษา", "ดนตรีศึกษา", "คอมพิวเตอร์ศึกษา"]
INSTITUTIONS = ["มหาวิทยาลัยนครพนม", "มหาวิทยาลัยราชภัฏสกลนคร", "มหาวิทยาลัยขอนแก่น",
                "มหาวิทยาลัยราชภัฏอุตรดิตถ์", "มหาวิทยาลัยแม่โจ้-แพร่ เฉลิมพระเกียรติ",
                "มหาวิทยาลัยราชภัฏลำปาง"]


CERTIFICATION_FISCAL_YEAR_BE = 2569
CERTIFICATION_DEADLINE = datetime.date(2026, 3, 31)
# In the demo, the records of เทศบาลตำบลธาตุพนม are complete and were certified before the
# deadline; the other LAOs of นครพนม are late, so the dashboard has something to chase.
CERTIFIED_LAO_CODE = "5480501"


def _build_certification(orgs) -> None:
    from personnel import services
    from personnel.models import CertificationRound, LaoCertification

    province = orgs["48"]
    round_, created = CertificationRound.objects.get_or_create(
        province=province, fiscal_year_be=CERTIFICATION_FISCAL_YEAR_BE,
        defaults={"deadline": CERTIFICATION_DEADLINE},
    )
    if not created:
        return
    lao = orgs[CERTIFIED_LAO_CODE]
    today = CERTIFICATION_DEADLINE - datetime.timedelta(days=6)
    for person in Person.objects.filter(organization__path__startswith=lao.path):
        _complete_record(person, today)
    certification = services.certify_lao(actor=None, lao=lao, round_=round_, today=today)
    LaoCertification.objects.filter(pk=certification.pk).update(
        certified_at=datetime.datetime(2026, 3, 25, 3, 0, tzinfo=datetime.UTC))


def _complete_record(person, today) -> None:
    """Fill what a complete record needs (a demo shortcut, written straight to the tables)."""
    person.first_name_en = person.first_name_en or _english(person.first_name)
    person.last_name_en = person.last_name_en or _english(person.last_name)
    person.gender = person.gender or Gender.FEMALE
    person.address = person.address or f"{person.pk} หมู่ 2 ต.ธาตุพนม อ.ธาตุพนม จ.นครพนม 48110"
    person.photo = person.photo or "demo/photo-placeholder.png"
    person.position_number = person.position_number or f"ธพ-{person.pk:03d}"
    person.salary = person.salary or 25000
    person.salary_rank = person.salary_rank or SalaryRank.KS1
    person.appointed_on = person.appointed_on or datetime.date(2015, 5, 16)
    person.save()
    PositionHistory.objects.get_or_create(
        person=person, effective_on=person.appointed_on,
        defaults={"position_type": person.position_type,
                  "organization_name": person.organization.name,
                  "salary_rank": person.salary_rank, "salary": person.salary,
                  "standing": person.standing, "order_ref": "คำสั่งเทศบาลตำบลธาตุพนม"},
    )
    # valid on the certification day and still today, so the demo stays consistent
    if not TeachingLicence.objects.filter(person=person, issued_on__lte=today,
                                          expires_on__gte=max(today, date.today())).exists():
        TeachingLicence.objects.create(person=person, number=f"64{person.pk:08d}",
                                       issued_on=datetime.date(2024, 1, 15),
                                       expires_on=datetime.date(2029, 1, 14))
