"""A synthetic country at national scale, for the benchmark and the scale tests (issue 10).

At factor 1.0 ``build()`` writes what the portal serves nationally: 77 provinces with their
committees, 878 districts, 7,850 LAOs in the real type mix, 30,000 schools and child development
centres, 500,000 people with their employment and history lines (ก.พ.7), and 60,000
academic-standing requests in every state with their evidence rows, checks, history and PA
results, and 20,000 experts who assess them. Every count is ``round(national × factor)`` (at
least one of each kind). The number of provinces shrinks with the factor too, so that a
province keeps a true-to-life size at any factor and only the national pages grow with it.

On top come the benchmark's *hot spots*, the same size at any factor: one school with a roster
of ``hot_roster`` active people (500) and one LAO, a city municipality of the first province,
whose office queue holds ``hot_queue`` requests (1,000). Every role around them has a login
(``hot_logins``) with the password ``SCALE_PASSWORD``; every other account's password is
unusable.

Everything is written in bulk (``dlep.scale_writer``): COPY on PostgreSQL, executemany elsewhere.
Primary keys, treebeard paths and foreign keys are computed here, so nothing is read back.
Certified requests are written as they are made in the portal: at the office first, with their
files and checks, then certified by UPDATE, which the certification lock
(appraisal/migrations/0003) allows, and those past the certification moved on by one more
UPDATE per state (the lock freezes the certified content, not the state).

Appraisal part 2 follows the certification: the registry of 20,000 experts (at factor 1.0),
each with a portal account, and a fifth of the requests moved on through the assessment
(``STATE_MIX``: approved for assessment, assessors complete, assessed, result approved or not,
notified, appointed), each with its draw, three invitations, score sheets, the decision and
history as the services leave them (``_experts``, ``_assessment``). The hot assessor
(``hot_logins()["assessor"]``) has a queue of ``HOT_ASSESSOR_AWAITING`` invitations awaiting
a reply and ``HOT_ASSESSOR_DRAFTING`` + ``HOT_ASSESSOR_SUBMITTED`` accepted ones at any factor.
"""

from __future__ import annotations

import datetime
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connections, transaction
from django.utils import timezone

from accounts import national_id
from accounts.models import Membership, Organization, User
from accounts.rules import LaoType, OrgKind, Role, SchoolType, committee_kind_for
from appraisal.choices import DrawOutcome
from appraisal.models import (
    Application,
    ApplicationEvent,
    AssessmentDecision,
    AssessorDraw,
    EvidenceFile,
    Expert,
    Invitation,
    PAResult,
    QualificationCheck,
    ScoreSheet,
    SubjectArea,
)
from committees.models import Committee
from personnel.choices import (
    AcademicStanding,
    DegreeLevel,
    Gender,
    PerformanceLevel,
    PersonStatus,
    PositionType,
    SalaryRank,
)
from personnel.models import (
    Degree,
    PerformanceResult,
    Person,
    PositionHistory,
    StatusChange,
    TeachingLicence,
)
from personnel.rules import fiscal_year_be

from .scale_writer import Writer

SEED = 2568
SCALE_PASSWORD = "scale-bench-2568"  # noqa: S105 (published: synthetic benchmark data only)

# --- The national shape (factor 1.0) -------------------------------------------------------------

# (code, name, English name, districts (อำเภอ), approximate). กรุงเทพมหานคร is a province of the
# tree but runs its own schools outside the DLA: no LAO type of ours, so no LAO under it.
PROVINCES = [
    ("10", "กรุงเทพมหานคร", "Bangkok", 0), ("11", "สมุทรปราการ", "Samut Prakan", 6),
    ("12", "นนทบุรี", "Nonthaburi", 6), ("13", "ปทุมธานี", "Pathum Thani", 7),
    ("14", "พระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya", 16), ("15", "อ่างทอง", "Ang Thong", 7),
    ("16", "ลพบุรี", "Lop Buri", 11), ("17", "สิงห์บุรี", "Sing Buri", 6),
    ("18", "ชัยนาท", "Chai Nat", 8), ("19", "สระบุรี", "Saraburi", 13),
    ("20", "ชลบุรี", "Chon Buri", 11), ("21", "ระยอง", "Rayong", 8),
    ("22", "จันทบุรี", "Chanthaburi", 10), ("23", "ตราด", "Trat", 7),
    ("24", "ฉะเชิงเทรา", "Chachoengsao", 11), ("25", "ปราจีนบุรี", "Prachin Buri", 7),
    ("26", "นครนายก", "Nakhon Nayok", 4), ("27", "สระแก้ว", "Sa Kaeo", 9),
    ("30", "นครราชสีมา", "Nakhon Ratchasima", 32), ("31", "บุรีรัมย์", "Buri Ram", 23),
    ("32", "สุรินทร์", "Surin", 17), ("33", "ศรีสะเกษ", "Si Sa Ket", 22),
    ("34", "อุบลราชธานี", "Ubon Ratchathani", 25), ("35", "ยโสธร", "Yasothon", 9),
    ("36", "ชัยภูมิ", "Chaiyaphum", 16), ("37", "อำนาจเจริญ", "Amnat Charoen", 7),
    ("38", "บึงกาฬ", "Bueng Kan", 8), ("39", "หนองบัวลำภู", "Nong Bua Lam Phu", 6),
    ("40", "ขอนแก่น", "Khon Kaen", 26), ("41", "อุดรธานี", "Udon Thani", 20),
    ("42", "เลย", "Loei", 14), ("43", "หนองคาย", "Nong Khai", 9),
    ("44", "มหาสารคาม", "Maha Sarakham", 13), ("45", "ร้อยเอ็ด", "Roi Et", 20),
    ("46", "กาฬสินธุ์", "Kalasin", 18), ("47", "สกลนคร", "Sakon Nakhon", 18),
    ("48", "นครพนม", "Nakhon Phanom", 12), ("49", "มุกดาหาร", "Mukdahan", 7),
    ("50", "เชียงใหม่", "Chiang Mai", 25), ("51", "ลำพูน", "Lamphun", 8),
    ("52", "ลำปาง", "Lampang", 13), ("53", "อุตรดิตถ์", "Uttaradit", 9),
    ("54", "แพร่", "Phrae", 8), ("55", "น่าน", "Nan", 15),
    ("56", "พะเยา", "Phayao", 9), ("57", "เชียงราย", "Chiang Rai", 18),
    ("58", "แม่ฮ่องสอน", "Mae Hong Son", 7), ("60", "นครสวรรค์", "Nakhon Sawan", 15),
    ("61", "อุทัยธานี", "Uthai Thani", 8), ("62", "กำแพงเพชร", "Kamphaeng Phet", 11),
    ("63", "ตาก", "Tak", 9), ("64", "สุโขทัย", "Sukhothai", 9),
    ("65", "พิษณุโลก", "Phitsanulok", 9), ("66", "พิจิตร", "Phichit", 12),
    ("67", "เพชรบูรณ์", "Phetchabun", 11), ("70", "ราชบุรี", "Ratchaburi", 10),
    ("71", "กาญจนบุรี", "Kanchanaburi", 13), ("72", "สุพรรณบุรี", "Suphan Buri", 10),
    ("73", "นครปฐม", "Nakhon Pathom", 7), ("74", "สมุทรสาคร", "Samut Sakhon", 3),
    ("75", "สมุทรสงคราม", "Samut Songkhram", 3), ("76", "เพชรบุรี", "Phetchaburi", 8),
    ("77", "ประจวบคีรีขันธ์", "Prachuap Khiri Khan", 8),
    ("80", "นครศรีธรรมราช", "Nakhon Si Thammarat", 23), ("81", "กระบี่", "Krabi", 8),
    ("82", "พังงา", "Phangnga", 8), ("83", "ภูเก็ต", "Phuket", 3),
    ("84", "สุราษฎร์ธานี", "Surat Thani", 19), ("85", "ระนอง", "Ranong", 5),
    ("86", "ชุมพร", "Chumphon", 8), ("90", "สงขลา", "Songkhla", 16),
    ("91", "สตูล", "Satun", 7), ("92", "ตรัง", "Trang", 10),
    ("93", "พัทลุง", "Phatthalung", 11), ("94", "ปัตตานี", "Pattani", 12),
    ("95", "ยะลา", "Yala", 8), ("96", "นราธิวาส", "Narathiwat", 13),
]
# ชลบุรี comes first at every factor: it holds เมืองพัทยา and the hot spots; กรุงเทพมหานคร last.
PATTAYA_PROVINCE = "20"
PROVINCE_ORDER = sorted(PROVINCES, key=lambda p: (p[0] != PATTAYA_PROVINCE, p[3] == 0, p[0]))

NATIONAL_DISTRICTS = 878
# The LAO type mix (DLA figures, rounded): one อบจ. per province outside Bangkok; เทศบาลนคร 30,
# เทศบาลเมือง 195, เทศบาลตำบล 2,245; อบต. the rest of 7,850; เมืองพัทยา.
NATIONAL_LAOS = {
    LaoType.PAO: 76, LaoType.CITY_MUNICIPALITY: 30, LaoType.TOWN_MUNICIPALITY: 195,
    LaoType.SUBDISTRICT_MUNICIPALITY: 2245, LaoType.SAO: 5303, LaoType.PATTAYA: 1,
}
NATIONAL_UNITS = {SchoolType.SCHOOL: 7_500, SchoolType.CHILD_DEVELOPMENT_CENTRE: 22_500}
NATIONAL_PEOPLE = 500_000
NATIONAL_APPLICATIONS = 60_000
NATIONAL_EXPERTS = 20_000

# Requests in every state. A fifth of them went on past the office director's certification
# (appraisal part 2): approved by the committee, assessed, decided, notified, appointed.
STATE_MIX = {"draft": 15, "submitted": 15, "at_office": 30, "returned": 10, "qualified": 9,
             "panel_approved": 4, "assessors_complete": 4, "assessed": 3, "result_approved": 2,
             "result_not_approved": 2, "notified": 2, "appointed": 4}
# The states after the certification, in the order of the assessment (seed 004 steps 3–7), and
# how far along each one is: result_approved and result_not_approved are one stage.
ASSESSMENT_STAGE = {"panel_approved": 0, "assessors_complete": 1, "assessed": 2,
                    "result_approved": 3, "result_not_approved": 3, "notified": 4,
                    "appointed": 5}
CERTIFIED_STATES = ("qualified", *ASSESSMENT_STAGE)
# the hot office's queue (everything past the draft), and a tenth more in drafts beside it
HOT_STATE_MIX = {"submitted": 15, "at_office": 45, "returned": 10, "qualified": 30}
HOT_EXTRA_SCHOOL_SIZE = 150
# the hot assessor's queue (/appraisal/assessment/mine/, not paginated): invitations awaiting a
# reply, accepted ones whose score sheet is a draft, and accepted ones already scored
HOT_ASSESSOR_AWAITING = 5
HOT_ASSESSOR_DRAFTING = 5
HOT_ASSESSOR_SUBMITTED = 10
HOT_ASSESSOR_CAP = 30  # max_concurrent: room for the queue's open assignments and more

# Where schools and centres sit: weights per LAO type (municipalities and อบจ. run the schools,
# every LAO runs child development centres). People per unit: a school weighs 8 centres.
UNIT_WEIGHTS = {
    SchoolType.SCHOOL: {LaoType.PAO: 6, LaoType.CITY_MUNICIPALITY: 12,
                        LaoType.TOWN_MUNICIPALITY: 6, LaoType.SUBDISTRICT_MUNICIPALITY: 1,
                        LaoType.SAO: 0.3, LaoType.PATTAYA: 10},
    SchoolType.CHILD_DEVELOPMENT_CENTRE: {LaoType.PAO: 0.5, LaoType.CITY_MUNICIPALITY: 3,
                                          LaoType.TOWN_MUNICIPALITY: 2,
                                          LaoType.SUBDISTRICT_MUNICIPALITY: 1.2,
                                          LaoType.SAO: 1, LaoType.PATTAYA: 3},
}
PEOPLE_WEIGHT = {SchoolType.SCHOOL: 8, SchoolType.CHILD_DEVELOPMENT_CENTRE: 1}
LAO_TYPE_DIGIT = {LaoType.PAO: "2", LaoType.CITY_MUNICIPALITY: "3",
                  LaoType.TOWN_MUNICIPALITY: "4", LaoType.SUBDISTRICT_MUNICIPALITY: "5",
                  LaoType.SAO: "6", LaoType.PATTAYA: "7"}
HOT_LAO_NAME = ("เทศบาลนครแหลมฉบัง", "Laem Chabang City Municipality")


def scaled(national: int, factor: float) -> int:
    return max(1, round(national * factor))


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), ``minimum`` each."""
    n = len(weights)
    if n == 0:
        return []
    base = [minimum] * n
    left = total - minimum * n
    if left <= 0:
        return base
    whole = sum(weights)
    shares = [left * w / whole for w in weights]
    floors = [math.floor(s) for s in shares]
    order = sorted(range(n), key=lambda i: shares[i] - floors[i], reverse=True)
    for i in order[: left - sum(floors)]:
        floors[i] += 1
    return [b + f for b, f in zip(base, floors, strict=True)]


def split_states(total: int, mix: dict[str, int]) -> dict[str, int]:
    counts = apportion(total, list(mix.values()))
    return dict(zip(mix, counts, strict=True))


@dataclass(frozen=True)
class Plan:
    """How many of each kind a build writes (the tests assert the database against it)."""

    factor: float
    provinces: tuple[tuple, ...]
    districts: int
    laos: dict[str, int]
    units: dict[str, int]  # the national part, by school type
    people: int
    applications: int
    experts: int
    hot_roster: int
    hot_queue: int

    @classmethod
    def for_factor(cls, factor: float, *, hot_roster: int = 500, hot_queue: int = 1000) -> Plan:
        if not 0 < factor <= 1:
            raise ValueError("the factor is a fraction of the country: 0 < factor ≤ 1")
        if hot_roster < 2 or hot_queue < 1:
            raise ValueError("hot spots need a roster of 2 or more and a queue of 1 or more")
        provinces = tuple(PROVINCE_ORDER[: max(1, round(len(PROVINCES) * factor))])
        with_laos = [p for p in provinces if p[3]]
        laos = {t: scaled(n, factor) for t, n in NATIONAL_LAOS.items()}
        laos[LaoType.PAO] = len(with_laos)
        return cls(
            factor=factor, provinces=provinces,
            districts=max(len(with_laos), round(NATIONAL_DISTRICTS * factor)),
            laos=laos, units={t: scaled(n, factor) for t, n in NATIONAL_UNITS.items()},
            people=scaled(NATIONAL_PEOPLE, factor),
            applications=scaled(NATIONAL_APPLICATIONS, factor),
            experts=scaled(NATIONAL_EXPERTS, factor),
            hot_roster=hot_roster, hot_queue=hot_queue,
        )

    # --- the hot spots ------------------------------------------------------------------------

    @property
    def hot_drafts(self) -> int:
        return max(1, self.hot_queue // 10)

    @property
    def hot_ended(self) -> int:
        """People of the hot school who left (the roster's status filter has something)."""
        return max(1, self.hot_roster // 50)

    @property
    def hot_extra_schools(self) -> int:
        """Schools beside the hot school, for the applicants the hot school cannot hold
        (everyone but its director may apply)."""
        missing = self.hot_queue + self.hot_drafts - (self.hot_roster - 1)
        return max(0, math.ceil(missing / (HOT_EXTRA_SCHOOL_SIZE - 1)))

    @property
    def hot_people(self) -> int:
        return self.hot_roster + self.hot_ended + self.hot_extra_schools * HOT_EXTRA_SCHOOL_SIZE

    # --- totals, as the database will count them --------------------------------------------------

    @property
    def total_schools(self) -> int:
        """Organisations of kind school: schools and centres, the hot ones included."""
        return sum(self.units.values()) + 1 + self.hot_extra_schools

    @property
    def total_people(self) -> int:
        return self.people + self.hot_people

    @property
    def total_applications(self) -> int:
        return self.applications + self.hot_queue + self.hot_drafts

    @property
    def counts_by_kind(self) -> dict[str, int]:
        return {OrgKind.AGENCY: 1, OrgKind.PROVINCE: len(self.provinces),
                OrgKind.DISTRICT: self.districts, OrgKind.LAO: sum(self.laos.values()),
                OrgKind.SCHOOL: self.total_schools}

    @property
    def states(self) -> dict[str, int]:
        """Applications per state, national part and hot spots together."""
        national = self.national_states
        hot = split_states(self.hot_queue, HOT_STATE_MIX)
        hot["draft"] = self.hot_drafts
        return {s: national.get(s, 0) + hot.get(s, 0) for s in STATE_MIX}

    @property
    def national_states(self) -> dict[str, int]:
        return split_states(self.applications, STATE_MIX)

    # --- appraisal part 2: the assessment of the national part's requests ----------------------

    @property
    def assessed_applications(self) -> int:
        """Requests past the committee's approval: each has one draw and three invitations."""
        return sum(self.national_states[s] for s in ASSESSMENT_STAGE)

    @property
    def invitations(self) -> int:
        return 3 * self.assessed_applications

    @property
    def submitted_sheets(self) -> int:
        """Assessed and later: all three sheets submitted (and one decision each)."""
        national = self.national_states
        return 3 * sum(national[s] for s, stage in ASSESSMENT_STAGE.items() if stage >= 2)

    @property
    def decisions(self) -> int:
        return self.submitted_sheets // 3

    # The hot assessor's queue is the same at any factor that has requests enough in each state
    # (from about 0.005 on); a smaller country has fewer to give it.

    @property
    def hot_assessor_awaiting(self) -> int:
        return min(HOT_ASSESSOR_AWAITING, self.national_states["panel_approved"])

    @property
    def hot_assessor_drafting(self) -> int:
        return min(HOT_ASSESSOR_DRAFTING, self.national_states["assessors_complete"])

    @property
    def hot_assessor_submitted(self) -> int:
        return min(HOT_ASSESSOR_SUBMITTED, self.decisions)

    @property
    def hot_assessor_accepted(self) -> int:
        return self.hot_assessor_drafting + self.hot_assessor_submitted


# --- The hot spots' codes and logins ---------------------------------------------------------

HOT_PROVINCE_CODE = PATTAYA_PROVINCE
HOT_LAO_CODE = f"{LAO_TYPE_DIGIT[LaoType.CITY_MUNICIPALITY]}{HOT_PROVINCE_CODE}9901"
HOT_SCHOOL_CODE = f"1{HOT_LAO_CODE}001"


def hot_logins() -> dict[str, str]:
    """The username of each role around the hot spots (password ``SCALE_PASSWORD``)."""
    return {
        Role.DLA_ADMIN: "dla_admin",
        Role.PROVINCE_ADMIN: f"province_admin_{HOT_PROVINCE_CODE}",
        Role.OFFICER: f"officer_{HOT_PROVINCE_CODE}",
        Role.GROUP_HEAD: f"group_head_{HOT_PROVINCE_CODE}",
        Role.LAO_ADMIN: f"lao_admin_{HOT_LAO_CODE}",
        "lao_officer": f"hr_{HOT_LAO_CODE}",
        Role.SCHOOL_ADMIN: f"school_admin_{HOT_SCHOOL_CODE}",
        Role.STAFF: f"teacher_{HOT_SCHOOL_CODE}",
        "assessor": f"assessor_{HOT_PROVINCE_CODE}",  # an expert of the registry
    }


# --- Thai names -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    female: tuple[tuple[str, str], ...]  # (Thai, romanised)
    male: tuple[tuple[str, str], ...]
    last: tuple[tuple[str, str], ...]
    amphoes: tuple[tuple[str, str], ...]
    tambons: tuple[tuple[str, str], ...]


@cache
def names() -> Names:
    """Pools of Thai names (Faker's th_TH lists), romanised once (RTGS, pythainlp)."""
    from faker import Faker
    from pythainlp.transliterate import romanize

    fake = Faker("th_TH")
    person = fake.provider("faker.providers.person")
    address = fake.provider("faker.providers.address")

    def pool(words):
        return tuple((w, romanize(w, engine="royin").title()) for w in dict.fromkeys(words))

    return Names(pool(person.first_names_female), pool(person.first_names_male),
                 pool(person.last_names), pool(address.amphoes), pool(address.tambons))


DEGREE_FIELDS = ("การประถมศึกษา", "การศึกษาปฐมวัย", "คณิตศาสตร์", "ภาษาไทย", "ภาษาอังกฤษ",
                 "วิทยาศาสตร์ทั่วไป", "สังคมศึกษา", "พลศึกษา", "ดนตรีศึกษา", "คอมพิวเตอร์ศึกษา")
INSTITUTIONS = ("มหาวิทยาลัยบูรพา", "มหาวิทยาลัยราชภัฏราชนครินทร์", "มหาวิทยาลัยขอนแก่น",
                "มหาวิทยาลัยเชียงใหม่", "มหาวิทยาลัยสงขลานครินทร์", "มหาวิทยาลัยราชภัฏนครราชสีมา",
                "มหาวิทยาลัยศรีนครินทรวิโรฒ", "มหาวิทยาลัยราชภัฏสกลนคร")
WORK_TITLES = ("การพัฒนาทักษะการอ่านออกเสียงด้วยนิทานพื้นบ้าน",
               "การจัดการเรียนรู้เชิงรุกเพื่อพัฒนาการคิดวิเคราะห์",
               "การพัฒนาทักษะการแก้โจทย์ปัญหาคณิตศาสตร์ด้วยบาร์โมเดล",
               "การส่งเสริมพัฒนาการด้านภาษาของเด็กปฐมวัยผ่านการเล่านิทาน",
               "การจัดการเรียนรู้แบบสะเต็มศึกษาเรื่องพลังงานทดแทน",
               "การพัฒนาความสามารถในการสื่อสารภาษาอังกฤษด้วยบทบาทสมมติ")


# --- The tree ---------------------------------------------------------------------------------


class Node:
    __slots__ = ("children", "code", "depth", "id", "kind", "lao", "lao_type", "name", "name_en",
                 "parent", "path", "province", "school_type")

    def __init__(self, parent, kind, code, name, name_en="", lao_type="", school_type=""):
        self.parent, self.kind, self.code, self.name, self.name_en = (
            parent, kind, code, name, name_en)
        self.lao_type, self.school_type = lao_type, school_type
        self.children: list[Node] = []
        self.id = 0
        self.path = ""
        self.depth = 0
        self.province = parent.province if parent is not None else None
        self.lao = parent.lao if parent is not None else None
        if kind == OrgKind.PROVINCE:
            self.province = self
        if kind == OrgKind.LAO:
            self.lao = self
        if parent is not None:
            parent.children.append(self)


@dataclass(slots=True)
class PersonFacts:
    """What later steps need of a person, kept small (500,000 of them at factor 1.0)."""

    id: int
    unit: Node
    standing: str
    user_id: int | None
    name: str
    position_number: str = ""  # for the ก.พ.7 line of an appointment (appraisal part 2)
    rank: str = ""
    salary: Decimal | None = None


@dataclass
class World:
    plan: Plan
    writer: Writer
    rng: random.Random
    now: datetime.datetime
    today: datetime.date
    root: Node | None = None
    provinces: list[Node] = field(default_factory=list)
    laos: list[Node] = field(default_factory=list)
    units: list[Node] = field(default_factory=list)  # the national part
    hot_units: list[Node] = field(default_factory=list)  # the hot school first
    users_by_role_org: dict[tuple[str, str], int] = field(default_factory=dict)
    candidates: list[PersonFacts] = field(default_factory=list)  # who may apply
    hot_candidates: list[PersonFacts] = field(default_factory=list)
    certified: tuple[int, int] = (0, 0)  # [first, end) ids of the requests to certify
    assessed: list[Assessed] = field(default_factory=list)  # the first ids of ``certified``
    experts: list[ExpertFacts] = field(default_factory=list)
    password: str = ""
    _nid: int = 0

    def national_id(self) -> str:
        """Unique valid national IDs: a bijection of a counter onto 11 digits (the multiplier
        is prime to 10), a leading 3–8 (a tests' factory starts with 1), the check digit."""
        self._nid += 1
        x = (self._nid * 7_919_113 + 104_729) % 10**11
        first_twelve = f"{3 + x % 6}{x:011d}"
        return first_twelve + national_id.check_digit(first_twelve)

    def user_of(self, role: str, node: Node | None) -> int | None:
        return self.users_by_role_org.get((role, node.code)) if node is not None else None


def _orgs(w: World) -> None:
    plan, rng, pools = w.plan, w.rng, names()
    root = Node(None, OrgKind.AGENCY, "00000", "กรมส่งเสริมการปกครองท้องถิ่น",
                "Department of Local Administration")
    w.root = root
    with_laos = [p for p in plan.provinces if p[3]]
    districts_of: dict[str, list[Node]] = {}
    for code, name, name_en, _districts in plan.provinces:
        province = Node(root, OrgKind.PROVINCE, code, name, name_en)
        w.provinces.append(province)
        districts_of[code] = []
    by_code = {p.code: p for p in w.provinces}
    for (code, name, name_en, _d), n in zip(
            with_laos, apportion(plan.districts, [p[3] for p in with_laos], minimum=1),
            strict=True):
        for i in range(1, n + 1):
            if i == 1:
                d_name, d_en = f"อำเภอเมือง{name}", f"Mueang {name_en}"
            else:
                amphoe, amphoe_en = rng.choice(pools.amphoes)
                d_name, d_en = f"อำเภอ{amphoe}", amphoe_en
            districts_of[code].append(
                Node(by_code[code], OrgKind.DISTRICT, f"{code}{i:02d}", d_name, d_en))

    sequence: dict[str, int] = {}

    def lao(parent: Node, lao_type: str, name: str, name_en: str, code: str | None = None):
        if code is None:
            base = (f"{LAO_TYPE_DIGIT[lao_type]}{parent.code}"
                    if parent.kind == OrgKind.DISTRICT
                    else f"{LAO_TYPE_DIGIT[lao_type]}{parent.code}00")
            sequence[base] = sequence.get(base, 0) + 1
            if sequence[base] > 98:
                raise ValueError(f"too many LAOs of one type in district {parent.code}")
            code = f"{base}{sequence[base]:02d}"
        node = Node(parent, OrgKind.LAO, code, name, name_en, lao_type=lao_type)
        w.laos.append(node)
        return node

    # one อบจ. per province, under the province itself
    for code, name, name_en, _d in with_laos:
        lao(by_code[code], LaoType.PAO, f"องค์การบริหารส่วนจังหวัด{name}", f"{name_en} PAO")
    # the hot LAO (a เทศบาลนคร) and เมืองพัทยา in ชลบุรี
    hot_parent = districts_of[HOT_PROVINCE_CODE][0]
    hot_lao = lao(hot_parent, LaoType.CITY_MUNICIPALITY, *HOT_LAO_NAME, code=HOT_LAO_CODE)
    pattaya_district = districts_of[PATTAYA_PROVINCE][-1]
    lao(pattaya_district, LaoType.PATTAYA, "เมืองพัทยา", "Pattaya City")
    labels = {LaoType.CITY_MUNICIPALITY: ("เทศบาลนคร", "City Municipality"),
              LaoType.TOWN_MUNICIPALITY: ("เทศบาลเมือง", "Town Municipality"),
              LaoType.SUBDISTRICT_MUNICIPALITY: ("เทศบาลตำบล", "Subdistrict Municipality"),
              LaoType.SAO: ("องค์การบริหารส่วนตำบล", "SAO")}
    weights = [p[3] for p in with_laos]
    for lao_type, (prefix, suffix) in labels.items():
        total = plan.laos[lao_type] - (1 if lao_type == LaoType.CITY_MUNICIPALITY else 0)
        for (code, *_rest), n in zip(with_laos, apportion(total, weights), strict=True):
            for _ in range(n):
                place, place_en = rng.choice(pools.tambons if lao_type in (
                    LaoType.SAO, LaoType.SUBDISTRICT_MUNICIPALITY) else pools.amphoes)
                lao(rng.choice(districts_of[code]), lao_type, f"{prefix}{place}",
                    f"{place_en} {suffix}")

    # schools and centres, the national part: never under the hot LAO, whose numbers are exact
    others = [node for node in w.laos if node is not hot_lao]
    unit_seq: dict[str, int] = {}

    def unit(parent: Node, school_type: str, name: str, name_en: str) -> Node:
        unit_seq[parent.code] = unit_seq.get(parent.code, 0) + 1
        return Node(parent, OrgKind.SCHOOL, f"1{parent.code}{unit_seq[parent.code]:03d}", name,
                    name_en, school_type=school_type)

    for school_type, n in plan.units.items():
        type_weights = [UNIT_WEIGHTS[school_type][node.lao_type] for node in others]
        for parent in rng.choices(others, weights=type_weights, k=n):
            place, place_en = rng.choice(pools.tambons)
            if school_type == SchoolType.SCHOOL:
                if parent.lao_type == LaoType.SAO:
                    label = (f"โรงเรียนบ้าน{place} (อบต.)", f"Ban {place_en} School")
                else:
                    label = (f"โรงเรียนเทศบาลบ้าน{place}", f"Ban {place_en} Municipal School")
            else:
                label = (f"ศูนย์พัฒนาเด็กเล็กบ้าน{place}", f"Ban {place_en} Child Development Centre")
            w.units.append(unit(parent, school_type, *label))
    w.hot_units.append(unit(hot_lao, SchoolType.SCHOOL, "โรงเรียนเทศบาลนครแหลมฉบัง ๑",
                            "Laem Chabang Municipal School 1"))
    for i in range(plan.hot_extra_schools):
        w.hot_units.append(unit(hot_lao, SchoolType.SCHOOL, f"โรงเรียนเทศบาลนครแหลมฉบัง {i + 2}",
                                f"Laem Chabang Municipal School {i + 2}"))

    # ids in depth-first order, treebeard paths (steplen 4, alphabet 0-9A-Z), numchild
    nodes: list[Node] = []

    def walk(node: Node, path: str, depth: int) -> None:
        node.path, node.depth = path, depth
        nodes.append(node)
        for step, child in enumerate(node.children, start=1):
            walk(child, Organization._get_path(path, depth + 1, step), depth + 1)

    roots = Organization.objects.get_root_nodes().count()
    walk(root, Organization._get_path(None, 1, roots + 1), 1)
    first = w.writer.ids(Organization, len(nodes))
    for i, node in enumerate(nodes):
        node.id = first + i
    w.writer.write(
        Organization,
        ["id", "path", "depth", "numchild", "name", "name_en", "kind", "lao_type", "school_type",
         "code", "is_active"],
        ((n.id, n.path, n.depth, len(n.children), n.name, n.name_en, n.kind, n.lao_type,
          n.school_type, n.code, True) for n in nodes))

    # the provincial committees of the LAO types each province has (RULES.md §1)
    kinds: dict[Node, set[str]] = {}
    for node in w.laos:
        kinds.setdefault(node.province, set()).add(committee_kind_for(node.lao_type))
    rows = [(province.id, kind) for province in w.provinces
            for kind in sorted(kinds.get(province, ()))]
    first = w.writer.ids(Committee, len(rows))
    w.writer.write(Committee, ["id", "province_id", "kind"],
                   ((first + i, *row) for i, row in enumerate(rows)))


def _name(w: World, gender: str | None = None):
    pools, rng = names(), w.rng
    female = rng.random() < 0.7 if gender is None else gender == Gender.FEMALE
    first, first_en = rng.choice(pools.female if female else pools.male)
    last, last_en = rng.choice(pools.last)
    if female:
        title, title_en = ("นาง", "Mrs.") if rng.random() < 0.6 else ("นางสาว", "Miss")
    else:
        title, title_en = "นาย", "Mr."
    return (Gender.FEMALE if female else Gender.MALE, title, first, last, title_en, first_en,
            last_en)


USER_COLUMNS = ["id", "username", "password", "email", "title_th", "first_name", "last_name",
                "title_en", "first_name_en", "last_name_en", "national_id", "phone",
                "is_active", "is_staff", "is_superuser", "date_joined"]
MEMBERSHIP_COLUMNS = ["id", "user_id", "organization_id", "role", "position", "is_active"]


class Accounts:
    """Users and memberships, collected and written in chunks."""

    def __init__(self, w: World):
        self.w = w
        self.users: list[tuple] = []
        self.memberships: list[tuple] = []
        self._unusable = 0

    def password(self, username: str) -> str:
        if username in HOT_USERNAMES:
            return self.w.password
        self._unusable += 1
        return f"!scale{self._unusable:034x}"  # an unusable password (Django's "!" prefix)

    def add(self, username: str, names: tuple, nid: str, *, role: str, org: Node,
            position: str = "") -> int:
        user_id = self.add_user(username, names, nid)
        self.memberships.append((self.w.writer.ids(Membership, 1), user_id, org.id, role,
                                 position, True))
        self.w.users_by_role_org.setdefault((role, org.code), user_id)
        return user_id

    def add_user(self, username: str, names: tuple, nid: str) -> int:
        """An account without a membership (an expert's: the portal asks none of them)."""
        user_id = self.w.writer.ids(User, 1)
        _gender, title, first, last, title_en, first_en, last_en = names
        self.users.append((user_id, username, self.password(username),
                           f"{username}@scale.dlep.local", title, first, last, title_en,
                           first_en, last_en, nid, f"08{self.w.rng.randrange(10**8):08d}", True,
                           False, False, self.w.now))
        return user_id

    def flush(self) -> None:
        self.w.writer.write(User, USER_COLUMNS, self.users)
        self.users = []

    def flush_memberships(self) -> None:
        self.w.writer.write(Membership, MEMBERSHIP_COLUMNS, self.memberships)
        self.memberships = []


HOT_USERNAMES = frozenset(hot_logins().values())


def _office_accounts(w: World) -> None:
    """The accounts of the offices: the DLA admin; per province its admin (the committees'
    secretary), an officer and a group head; per LAO its education admin and an HR officer."""
    accounts = Accounts(w)
    accounts.add("dla_admin", _name(w), w.national_id(), role=Role.DLA_ADMIN, org=w.root,
                 position="นักวิชาการศึกษาชำนาญการพิเศษ")
    for province in w.provinces:
        for role, prefix, position in ((Role.PROVINCE_ADMIN, "province_admin", "ท้องถิ่นจังหวัด"),
                                       (Role.OFFICER, "officer", "นักวิชาการศึกษา"),
                                       (Role.GROUP_HEAD, "group_head",
                                        "หัวหน้ากลุ่มงานส่งเสริมการศึกษา")):
            accounts.add(f"{prefix}_{province.code}", _name(w), w.national_id(), role=role,
                         org=province, position=position)
    for node in w.laos:
        accounts.add(f"lao_admin_{node.code}", _name(w), w.national_id(), role=Role.LAO_ADMIN,
                     org=node, position="ผู้อำนวยการกองการศึกษา")
        accounts.add(f"hr_{node.code}", _name(w), w.national_id(), role=Role.OFFICER, org=node,
                     position="นักทรัพยากรบุคคล")
    accounts.flush()
    accounts.flush_memberships()


PERSON_COLUMNS = ["id", "national_id", "title_th", "first_name", "last_name", "title_en",
                  "first_name_en", "last_name_en", "birth_date", "gender", "address", "photo",
                  "user_id", "organization_id", "position_type", "position_number",
                  "salary_rank", "salary", "appointed_on", "standing", "standing_granted_on",
                  "status", "status_effective_on"]
STANDINGS = (AcademicStanding.NONE,) * 3 + (AcademicStanding.PROFESSIONAL,) * 4 + (
    AcademicStanding.SENIOR_PROFESSIONAL,) * 2 + (AcademicStanding.EXPERT,)
RANK_FOR_STANDING = {AcademicStanding.NONE: SalaryRank.KS1,
                     AcademicStanding.PROFESSIONAL: SalaryRank.KS2,
                     AcademicStanding.SENIOR_PROFESSIONAL: SalaryRank.KS3,
                     AcademicStanding.EXPERT: SalaryRank.KS4,
                     AcademicStanding.SENIOR_EXPERT: SalaryRank.KS5}
POSITION_LABELS = {PositionType.TEACHER: "ครู", PositionType.ASSISTANT_TEACHER: "ครูผู้ช่วย",
                   PositionType.DIRECTOR: "ผู้อำนวยการสถานศึกษา",
                   PositionType.DEPUTY_DIRECTOR: "รองผู้อำนวยการสถานศึกษา",
                   PositionType.CDC_DIRECTOR: "ผู้อำนวยการศูนย์พัฒนาเด็กเล็ก",
                   PositionType.EDUCATION_STAFF: "บุคลากรทางการศึกษาอื่น"}
ENDED = (PersonStatus.RETIRED, PersonStatus.RESIGNED, PersonStatus.TRANSFERRED_OUT,
         PersonStatus.DIED)


def _random_date(rng: random.Random, first_year: int, last_year: int) -> datetime.date:
    return datetime.date(rng.randint(first_year, last_year), rng.randint(1, 12),
                         rng.randint(1, 28))


def _people_of(w: World, unit: Node, n: int, *, hot: bool, ended: int = 0) -> Iterator[tuple]:
    """(person row, user or None, history facts) for ``n`` people of ``unit``: its director
    first, then teachers (the hot spots: teachers only, so that all of them may apply); the
    last ``ended`` have left."""
    rng = w.rng
    for i in range(n):
        status = PersonStatus.ACTIVE
        if i >= n - ended or (not hot and i and rng.random() < 0.03):
            status = rng.choice(ENDED)
        if i == 0:
            position = (PositionType.DIRECTOR if unit.school_type == SchoolType.SCHOOL
                        else PositionType.CDC_DIRECTOR)
        elif hot:
            position = PositionType.TEACHER
        else:
            r = rng.random()
            if r < 0.08:
                position = PositionType.ASSISTANT_TEACHER
            elif r < 0.11 and unit.school_type == SchoolType.SCHOOL:
                position = PositionType.DEPUTY_DIRECTOR
            elif r < 0.13:
                position = PositionType.EDUCATION_STAFF
            else:
                position = PositionType.TEACHER
        if position == PositionType.ASSISTANT_TEACHER:
            standing = AcademicStanding.NONE
        elif position in (PositionType.DIRECTOR, PositionType.CDC_DIRECTOR):
            standing = rng.choice((AcademicStanding.SENIOR_PROFESSIONAL,
                                   AcademicStanding.EXPERT))
        elif hot:
            standing = rng.choice(STANDINGS[:9])  # below เชี่ยวชาญ: each may ask for the next
        else:
            standing = rng.choice(STANDINGS)
        birth = _random_date(rng, 1966, 1999)
        appointed = min(_random_date(rng, max(birth.year + 24, 2005), 2024), w.today)
        granted = (None if standing == AcademicStanding.NONE
                   else datetime.date(rng.randint(max(appointed.year, 2012), 2024), 10, 1))
        names_ = _name(w)
        gender, title, first, last, title_en, first_en, last_en = names_
        nid = w.national_id()
        place = rng.choice(names().tambons)[0]
        rank = (SalaryRank.KS_ASSISTANT if position == PositionType.ASSISTANT_TEACHER
                else RANK_FOR_STANDING[standing])
        salary = Decimal(rng.randrange(15_800, 69_040, 10))
        row = [0, nid, title, first, last, title_en, first_en, last_en, birth, gender,
               f"{rng.randint(1, 299)} หมู่ {rng.randint(1, 15)} ต.{place}" if rng.random() < 0.7
               else "", "", None, unit.id, position, f"{unit.code[-5:]}-{i + 1:03d}", rank,
               salary, appointed, standing, granted, status,
               None if status == PersonStatus.ACTIVE else _random_date(rng, 2023, 2025)]
        yield row, names_, nid, position, standing, status


def _people(w: World) -> None:
    """People with their accounts (four in five active staff log in; every director is their
    school's admin), ก.พ.7 history lines, in chunks."""
    plan, rng = w.plan, w.rng
    units = w.units
    counts = [0] * len(units)
    weights = [PEOPLE_WEIGHT[u.school_type] for u in units]
    for index in rng.choices(range(len(units)), weights=weights, k=plan.people):
        counts[index] += 1
    jobs = [(u, c, False, 0) for u, c in zip(units, counts, strict=True) if c]
    hot_school, *extra = w.hot_units
    jobs.append((hot_school, plan.hot_roster + plan.hot_ended, True, plan.hot_ended))
    jobs += [(u, HOT_EXTRA_SCHOOL_SIZE, True, 0) for u in extra]

    accounts = Accounts(w)
    people: list[list] = []
    history = History(w)
    teacher_login_given = False

    def flush() -> None:
        accounts.flush()
        w.writer.write(Person, PERSON_COLUMNS, people)
        people.clear()
        accounts.flush_memberships()
        history.flush()

    for unit, n, hot, ended in jobs:
        for i, (row, names_, nid, position, standing, status) in enumerate(
                _people_of(w, unit, n, hot=hot, ended=ended)):
            person_id = w.writer.ids(Person, 1)
            row[0] = person_id
            user_id = None
            if status == PersonStatus.ACTIVE:
                if i == 0:
                    user_id = accounts.add(f"school_admin_{unit.code}", names_, nid,
                                           role=Role.SCHOOL_ADMIN, org=unit,
                                           position=POSITION_LABELS[position])
                elif unit is hot_school and not teacher_login_given:
                    teacher_login_given = True
                    user_id = accounts.add(f"teacher_{unit.code}", names_, nid, role=Role.STAFF,
                                           org=unit, position=POSITION_LABELS[position])
                elif rng.random() < 0.8:
                    user_id = accounts.add(f"t{person_id:07d}", names_, nid, role=Role.STAFF,
                                           org=unit, position=POSITION_LABELS[position])
            row[12] = user_id
            people.append(row)
            history.add(row, unit, position, status)
            if (status == PersonStatus.ACTIVE and position == PositionType.TEACHER
                    and standing != AcademicStanding.SENIOR_EXPERT):
                facts = PersonFacts(person_id, unit, standing, user_id,
                                    f"{row[2]}{row[3]} {row[4]}", row[15], row[16], row[17])
                (w.hot_candidates if hot else w.candidates).append(facts)
            if len(people) >= 20_000:
                flush()
    flush()
    # the login of the hot school's teacher asks first (the staff dashboard shows a request)
    teacher = w.user_of(Role.STAFF, hot_school)
    w.hot_candidates.sort(key=lambda f: f.user_id != teacher)


class History:
    """The ก.พ.7 lines of each person: appointment (and standing), degrees, licence, salary
    evaluations of the last two fiscal years, and the status change of those who left."""

    def __init__(self, w: World):
        self.w = w
        self.positions: list[tuple] = []
        self.degrees: list[tuple] = []
        self.licences: list[tuple] = []
        self.evaluations: list[tuple] = []
        self.status_changes: list[tuple] = []
        self.fiscal_year = fiscal_year_be(w.today)

    def add(self, row, unit: Node, position: str, status: str) -> None:
        rng, person_id = self.w.rng, row[0]
        birth, appointed, standing, granted = row[8], row[18], row[19], row[20]
        rank, salary = row[16], row[17]
        order = f"คำสั่ง{unit.lao.name} ที่ {rng.randint(1, 999)}/{appointed.year + 543}"
        self.positions.append((person_id, appointed, position, row[15], unit.name, rank,
                               salary, AcademicStanding.NONE if granted else standing, order))
        if granted:
            self.positions.append((person_id, granted, position, row[15], unit.name, rank,
                                   salary, standing, order))
        self.degrees.append((person_id, DegreeLevel.BACHELOR, rng.choice(DEGREE_FIELDS),
                             rng.choice(INSTITUTIONS), datetime.date(birth.year + 22, 3, 31),
                             False))
        if rng.random() < 0.15:
            self.degrees.append((person_id, DegreeLevel.MASTER, rng.choice(DEGREE_FIELDS),
                                 rng.choice(INSTITUTIONS),
                                 datetime.date(min(birth.year + 30, 2024), 3, 31),
                                 rng.random() < 0.5))
        if position != PositionType.EDUCATION_STAFF and rng.random() < 0.9:
            issued = _random_date(rng, 2019, 2025)
            self.licences.append((person_id, f"{rng.randrange(10**9, 10**10)}", issued,
                                  issued.replace(year=issued.year + 5)))
        for year in (self.fiscal_year - 2, self.fiscal_year - 1):
            for round_ in (1, 2):
                self.evaluations.append((person_id, year, round_, rng.choice(
                    (PerformanceLevel.OUTSTANDING, PerformanceLevel.VERY_GOOD,
                     PerformanceLevel.VERY_GOOD, PerformanceLevel.GOOD))))
        if status != PersonStatus.ACTIVE:
            self.status_changes.append((person_id, status, PersonStatus.ACTIVE, row[22],
                                        f"คำสั่ง{unit.lao.name} ที่ {rng.randint(1, 999)}"))

    def flush(self) -> None:
        write, ids = self.w.writer.write, self.w.writer.ids

        def numbered(model, rows):
            first = ids(model, len(rows))
            return ((first + i, *r) for i, r in enumerate(rows))

        write(PositionHistory, ["id", "person_id", "effective_on", "position_type",
                                "position_number", "organization_name", "salary_rank", "salary",
                                "standing", "order_ref"], numbered(PositionHistory, self.positions))
        write(Degree, ["id", "person_id", "level", "field_of_study", "institution",
                       "graduated_on", "learning_management"], numbered(Degree, self.degrees))
        write(TeachingLicence, ["id", "person_id", "number", "issued_on", "expires_on"],
              numbered(TeachingLicence, self.licences))
        write(PerformanceResult, ["id", "person_id", "fiscal_year_be", "round", "level"],
              numbered(PerformanceResult, self.evaluations))
        write(StatusChange, ["id", "person_id", "status", "previous_status", "effective_on",
                             "order_ref"], numbered(StatusChange, self.status_changes))
        self.positions, self.degrees, self.licences = [], [], []
        self.evaluations, self.status_changes = [], []


NEXT_STANDING = {AcademicStanding.NONE: AcademicStanding.PROFESSIONAL,
                 AcademicStanding.PROFESSIONAL: AcademicStanding.SENIOR_PROFESSIONAL,
                 AcademicStanding.SENIOR_PROFESSIONAL: AcademicStanding.EXPERT,
                 AcademicStanding.EXPERT: AcademicStanding.SENIOR_EXPERT}
EVIDENCE = (("lesson_plan", "pdf", "application/pdf", "pdf"),
            ("inspiration_video", "video", "video/mp4", "mp4"),
            ("teaching_video", "video", "video/mp4", "mp4"),
            ("outcome", "pdf", "application/pdf", "pdf"))
CHECK_KINDS = ("tenure", "pa", "discipline", "licence", "evidence")
APPLICATION_COLUMNS = ["id", "person_id", "organization_id", "office_id", "current_standing",
                       "requested_standing", "classroom_type", "subject_area_id", "work_title",
                       "shorten_ground", "state", "round_no", "filed_on", "entered_on",
                       "snapshot", "return_reason", "created_by_id", "created_at", "updated_at"]


def _applications(w: World) -> None:
    """Requests in every state, with PA results, evidence rows, checks and history. Certified
    ones (qualified and every state after it) are written at the office and certified
    afterwards (``_certify``); those past the certification are moved on by ``_assessment``,
    on the timeline planned here (``_timeline``)."""
    plan, rng = w.plan, w.rng
    if len(w.candidates) < plan.applications:
        raise ValueError(f"{plan.applications} requests need as many teachers who may apply; "
                         f"there are {len(w.candidates)}")
    national = plan.national_states
    hot = split_states(plan.hot_queue, HOT_STATE_MIX)
    hot["draft"] = plan.hot_drafts
    jobs = []  # (facts, state), the certified ones first: their ids are one range
    chosen = rng.sample(w.candidates, plan.applications)
    hot_chosen = w.hot_candidates[: plan.hot_queue + plan.hot_drafts]
    for people, states in ((chosen, national), (hot_chosen, hot)):
        i = 0
        for state in (*CERTIFIED_STATES[1:], "qualified", "at_office", "returned", "submitted",
                      "draft"):
            for facts in people[i:i + states.get(state, 0)]:
                jobs.append((facts, state))
            i += states.get(state, 0)
    # the certified ones first, those past the certification before them, each state one range
    # of ids (``_certify`` and ``_assessment`` update by ranges); the sort is stable
    jobs.sort(key=lambda job: (0 if job[1] in ASSESSMENT_STAGE
                               else 1 if job[1] == "qualified" else 2))

    areas: dict[str, list[int]] = {}
    for pk, classroom_type in SubjectArea.objects.values_list("pk", "classroom_type"):
        areas.setdefault(classroom_type, []).append(pk)
    if not areas:
        raise ValueError("no subject areas: run the migrations first (appraisal 0002)")

    first = w.writer.ids(Application, len(jobs))
    apps, files, checks, events, pa = [], [], [], [], []
    fiscal_year = fiscal_year_be(w.today)
    w.certified = (first, first)  # [first, last) of the requests to certify

    def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)

    for n, (facts, state) in enumerate(jobs):
        app_id = first + n
        unit, lao = facts.unit, facts.unit.lao
        if unit.school_type == SchoolType.CHILD_DEVELOPMENT_CENTRE:
            classroom = "early_childhood"
        else:
            classroom = "primary" if rng.random() < 0.6 else "secondary"
        area = rng.choice(areas.get(classroom) or next(iter(areas.values())))
        certified = state in CERTIFIED_STATES
        created = w.today - datetime.timedelta(days=rng.randint(20, 150))
        filed = entered = None
        round_no, reason, snapshot = 0, "", {}
        by_office = state == "at_office" or certified or (state == "returned"
                                                          and rng.random() < 0.5)
        if state in ASSESSMENT_STAGE:  # its dates come from the timeline, back from today
            entered, timeline = _timeline(rng, state, w.now)
            filed = entered - datetime.timedelta(days=rng.randint(1, 10))
            created = filed - datetime.timedelta(days=rng.randint(1, 10))
            w.assessed.append(Assessed(app_id, state, facts, area, classroom,
                                       NEXT_STANDING[facts.standing], entered, timeline))
        if state != "draft":
            round_no = 2 if state == "at_office" and rng.random() < 0.2 else 1
            if filed is None:
                filed = min(created + datetime.timedelta(days=rng.randint(1, 10)), w.today)
            if by_office:
                if entered is None:
                    entered = min(filed + datetime.timedelta(days=rng.randint(1, 10)), w.today)
                snapshot = {"name": facts.name, "school": unit.name,
                            "standing": facts.standing}
        if state == "returned":
            reason = "แก้ไขเอกสารหลักฐานให้ครบถ้วน"
        stored_state = "at_office" if certified else state
        applicant = facts.user_id
        apps.append((app_id, facts.id, unit.id, lao.id, facts.standing,
                     NEXT_STANDING[facts.standing], classroom, area,
                     f"{rng.choice(WORK_TITLES)} ({app_id})", "", stored_state, round_no, filed,
                     entered, snapshot, reason, applicant, at(created), at(entered or filed
                                                                           or created)))
        school_admin = w.user_of(Role.SCHOOL_ADMIN, unit)
        pa.append((facts.id, unit.id, fiscal_year - 1, school_admin))
        for slot, kind, content_type, suffix in EVIDENCE[: 4 if state != "draft"
                                                          else rng.randint(0, 2)]:
            files.append((app_id, slot, f"appraisal/evidence/{unit.id}/"
                          f"{rng.getrandbits(128):032x}.{suffix}", f"{slot}.{suffix}",
                          rng.randint(200_000, 900_000_000), kind, content_type,
                          rng.randint(3, 20) if kind == "pdf" else None,
                          rng.uniform(60, 3000) if kind == "video" else None, applicant,
                          at(created, 10)))
        officer, head = w.user_of(Role.OFFICER, lao), w.user_of(Role.GROUP_HEAD, unit.province)
        history = [("created", "", "draft", applicant, created)]
        if filed:
            history.append(("submitted", "draft", "submitted", applicant, filed))
        if by_office and state != "draft":
            history.append(("school_certified", "submitted", "at_office", school_admin, entered))
            for kind in CHECK_KINDS:
                decided = certified or (state == "returned") or rng.random() < 0.5
                passed = certified or rng.random() < 0.9
                headed = certified or (decided and rng.random() < 0.5)
                checks.append((app_id, round_no, kind, passed, "ตรวจโดยระบบ", at(entered, 8),
                               passed if decided else None, officer if decided else None,
                               at(entered, 11) if decided else None,
                               passed if headed else None, head if headed else None,
                               at(entered, 14) if headed else None))
        if state == "returned":
            history.append(("office_returned" if by_office else "school_returned",
                            "at_office" if by_office else "submitted", "returned",
                            officer if by_office else school_admin, entered or filed))
        for action, from_state, to_state, actor, day in history:
            events.append((app_id, round_no or 0, action, from_state, to_state, actor, at(day)))
        if certified:
            w.certified = (first, app_id + 1)

    w.writer.write(Application, APPLICATION_COLUMNS, apps)
    write, ids = w.writer.write, w.writer.ids
    start = ids(PAResult, len(pa))
    write(PAResult, ["id", "person_id", "organization_id", "fiscal_year_be", "part1_1",
                     "part1_2", "part1_3", "part2_1", "part2_2", "part2_3", "education_level",
                     "teaching_hours", "total_hours", "workload_met", "pa3_file",
                     "entered_by_id"],
          ((start + i, person, org, year, Decimal(52), Decimal(50), Decimal(51), Decimal(31),
            Decimal(30), Decimal(32), "basic", Decimal(18), Decimal(26), True,
            f"appraisal/pa3/{org}/{start + i:08x}.pdf", entered_by)
           for i, (person, org, year, entered_by) in enumerate(pa)))
    start = ids(EvidenceFile, len(files))
    write(EvidenceFile, ["id", "application_id", "slot", "position", "file", "original_name",
                         "size", "state", "media_kind", "content_type", "pages",
                         "duration_seconds", "attempts", "uploaded_by_id", "uploaded_at",
                         "checked_at"],
          ((start + i, app, slot, 1, path, name, size, "valid", kind, content_type, pages,
            duration, 1, by, uploaded, uploaded)
           for i, (app, slot, path, name, size, kind, content_type, pages, duration, by,
                   uploaded) in enumerate(files)))
    start = ids(QualificationCheck, len(checks))
    write(QualificationCheck, ["id", "application_id", "round_no", "kind", "auto_passed",
                               "auto_explanation", "auto_checked_at", "officer_passed",
                               "officer_by_id", "officer_at", "head_passed", "head_by_id",
                               "head_at"],
          ((start + i, *row) for i, row in enumerate(checks)))
    start = ids(ApplicationEvent, len(events))
    write(ApplicationEvent, ["id", "application_id", "round_no", "action", "from_state",
                             "to_state", "actor_id", "at"],
          ((start + i, *row) for i, row in enumerate(events)))


def _certify(w: World) -> None:
    """The LAO director certifies (seed 004 step 2), as ``appraisal.services.office_certify``
    leaves the row; the certification lock allows the step from uncertified to certified.
    Requests still qualified are certified today; those the assessment moved on since
    (``w.assessed``, the first ids) the day after they entered the system, as their timeline
    says (``Timeline.certified``)."""
    first, end = w.certified
    if end <= first:
        return
    certified_at = datetime.datetime.combine(w.today, datetime.time(3), tzinfo=datetime.UTC)
    moved_on = first + len(w.assessed)  # [first, moved_on): past the certification
    director = ("(SELECT m.user_id FROM accounts_membership m "
                "WHERE m.organization_id = appraisal_application.office_id "
                "AND m.role = 'lao_admin' ORDER BY m.id LIMIT 1)")
    day_after_entry = ("(entered_on + 1) + TIME '03:00'"
                       if w.writer.connection.vendor == "postgresql"
                       else "datetime(entered_on, '+1 day', '+3 hours')")
    changed = 0
    if moved_on > first:
        changed += w.writer.execute(
            f"UPDATE appraisal_application SET state = 'qualified', "  # noqa: S608 (constants)
            f"certified_at = {day_after_entry}, certified_by_id = {director} "
            "WHERE id >= %s AND id < %s", [first, moved_on])
    if end > moved_on:
        changed += w.writer.execute(
            "UPDATE appraisal_application SET state = 'qualified', certified_at = %s, "  # noqa: S608
            f"certified_by_id = {director} WHERE id >= %s AND id < %s",
            [w.writer.connection.ops.adapt_datetimefield_value(certified_at), moved_on, end])
    rows = end - first
    if changed != rows:
        raise RuntimeError(f"certified {changed} requests, expected {rows}")
    start = w.writer.ids(ApplicationEvent, rows)
    w.writer.execute(
        "INSERT INTO appraisal_applicationevent (id, application_id, round_no, action, "
        "from_state, to_state, actor_id, reason, data, at) SELECT %s + id - %s, id, round_no, "
        "'office_certified', 'at_office', 'qualified', certified_by_id, '', '{}', certified_at "
        "FROM appraisal_application WHERE id >= %s AND id < %s", [start, first, first, end])


# --- appraisal part 2: the registry of experts and the assessment ------------------------------
#
# Written as the services leave the rows (appraisal/draw.py, invitations.py, scoring.py,
# outcome.py): the committee's approval, one draw of three assessors, their invitations and
# replies, a score sheet per accepted invitation (the django-guardian grant on the application
# with it), the decision once the third sheet is in, the committee's result, the notice and the
# appointment (the person's new standing and a ก.พ.7 line). Not written: the committees app's
# agenda items, resolutions and orders (the pages read the application's own history, whose
# lines carry the meeting and order references), notifications and audit records (as for
# every step here). Each request has its first draw only: no declines, time-outs or refills.


@dataclass(slots=True)
class Timeline:
    """When each step of one request's assessment happened (None: not yet)."""

    certified: datetime.datetime
    panel: datetime.datetime
    drawn: datetime.datetime
    replies: list  # per seat: accepted at, or None while the invitation awaits a reply
    submits: list  # per seat: the score sheet submitted at, or None
    assessed: datetime.datetime | None
    result: datetime.datetime | None
    notified: datetime.datetime | None
    appointed: datetime.datetime | None


@dataclass(slots=True)
class Assessed:
    """A request past the certification, as ``_applications`` planned it."""

    id: int
    state: str
    facts: PersonFacts
    area: int
    classroom: str
    requested: str
    entered: datetime.date
    timeline: Timeline
    seats: list = field(default_factory=lambda: [None, None, None])  # ExpertFacts, seats 1–3


@dataclass(slots=True, eq=False)
class ExpertFacts:
    id: int
    user_id: int
    row: list  # the Expert row but for its standings (filled when written)
    areas: set
    standings: set
    cap: int
    home: Node | None  # in the portal's tree, or None (outside it)
    active_from: datetime.date
    open: int = 0  # invitations awaiting a reply and accepted ones not scored: the cap counts


def _timeline(rng: random.Random, state: str,
              now: datetime.datetime) -> tuple[datetime.date, Timeline]:
    """The dates of one request's assessment, laid out forward from its certification, then
    placed so that its last step happened shortly before ``now``: hours before for requests
    whose invitations await a reply (their reply-by date, three days on, is still ahead), days
    before for the rest. The request entered the system the day before its certification, which
    is at 03:00 (``_certify`` computes the same from ``entered_on``)."""
    stage = ASSESSMENT_STAGE[state]

    def hours(low: float, high: float) -> datetime.timedelta:
        return datetime.timedelta(hours=rng.uniform(low, high))

    def days(low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=rng.randint(low, high), hours=rng.uniform(0, 6))

    panel = days(5, 30)
    drawn = panel + hours(1, 3)
    if stage == 0:  # some accepted already, never all three (that is "assessors complete")
        accepted = rng.randint(0, 2)
        replies = [drawn + hours(1, 20) for _ in range(accepted)] + [None] * (3 - accepted)
    else:
        replies = [drawn + hours(1, 60) for _ in range(3)]
    last = max([drawn, *(r for r in replies if r is not None)])
    submits: list = [None, None, None]
    assessed = result = notified = appointed = None
    if stage >= 2:
        submits = [last + days(3, 25) for _ in range(3)]
        assessed = last = max(submits)
    if stage >= 3:
        result = last = assessed + days(7, 30)
    if stage >= 4:
        notified = last = result + days(1, 7)
    if stage >= 5:
        appointed = last = notified + days(10, 40)
    ago = hours(4, 12) if stage == 0 else days(1, 30)
    day = (now - ago - last).date()
    certified = datetime.datetime.combine(day, datetime.time(3), tzinfo=datetime.UTC)

    def at(offset):
        return None if offset is None else certified + offset

    return day - datetime.timedelta(days=1), Timeline(
        certified, at(panel), at(drawn), [at(r) for r in replies], [at(t) for t in submits],
        at(assessed), at(result), at(notified), at(appointed))


# Who may be drawn for what (appraisal.experts ASSESSED_STANDINGS): most experts assess up to
# ชำนาญการพิเศษ, fewer เชี่ยวชาญ too, a few every standing.
EXPERT_STANDINGS = (
    ((AcademicStanding.PROFESSIONAL, AcademicStanding.SENIOR_PROFESSIONAL), 50),
    ((AcademicStanding.PROFESSIONAL, AcademicStanding.SENIOR_PROFESSIONAL,
      AcademicStanding.EXPERT), 35),
    ((AcademicStanding.PROFESSIONAL, AcademicStanding.SENIOR_PROFESSIONAL,
      AcademicStanding.EXPERT, AcademicStanding.SENIOR_EXPERT), 15),
)
ALL_ASSESSED = EXPERT_STANDINGS[-1][0]
EXPERT_POSITIONS = ("ผู้อำนวยการสถานศึกษา วิทยฐานะเชี่ยวชาญ", "ครู วิทยฐานะเชี่ยวชาญ",
                    "ศึกษานิเทศก์ วิทยฐานะเชี่ยวชาญ", "ผู้อำนวยการกองการศึกษา",
                    "รองศาสตราจารย์", "ผู้ช่วยศาสตราจารย์")
OUTSIDE_HOMES = (*INSTITUTIONS, "สำนักงานศึกษาธิการจังหวัด",
                 "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา")
HOT_ASSESSOR_HOME = "มหาวิทยาลัยบูรพา"
EXPERT_COLUMNS = ["id", "organization_id", "user_id", "title_th", "first_name", "last_name",
                  "national_id", "email", "phone", "position", "home_organization_id",
                  "home_organization_name", "active_from", "active_to", "max_concurrent",
                  "is_active", "created_by_id", "standings"]


def _experts(w: World) -> None:
    """The registry (``Plan.experts``), each expert with a portal account (no membership: the
    assessor's pages ask none), and the three assessors of every request past the committee's
    approval. Provinces keep the records (the DLA a few), spread like the LAOs; most experts
    work at an LAO or a school of that province, some outside the tree. Their subject areas
    follow the requests (an area with more requests has more experts) within one classroom
    type. The first expert is the hot assessor (``hot_logins()["assessor"]``), an outside
    expert whose queue holds the plan's ``hot_assessor_*`` invitations.

    The assessors are chosen as the draw would find them eligible (``rules.exclusion_reason``):
    the request's subject area and standing, not of the applicant's LAO, under their cap of
    open assignments. Where the registry has no one such left (a small factor), an expert is
    taken anyway and registered for that area and standing: the registry grows where the
    requests are."""
    plan, rng, assessed = w.plan, w.rng, w.assessed
    if assessed and plan.experts < 4:
        raise ValueError("three assessors per request (besides the hot assessor) need four "
                         "experts or more")
    areas = list(SubjectArea.objects.order_by("pk").values_list("pk", "classroom_type"))
    type_of = dict(areas)
    by_type: dict[str, list[int]] = {}
    for pk, classroom_type in areas:
        by_type.setdefault(classroom_type, []).append(pk)
    demand = Counter(a.area for a in assessed)
    area_weights = [demand[pk] + 1 for pk, _type in areas]
    homes: dict[str, list[Node]] = {}
    for node in (*w.laos, *w.units):
        homes.setdefault(node.province.code, []).append(node)
    owner_weights = [len(homes.get(p.code, ())) + 1 for p in w.provinces]
    hot_province = next(p for p in w.provinces if p.code == HOT_PROVINCE_CODE)
    hot_username = hot_logins()["assessor"]

    accounts = Accounts(w)
    first = w.writer.ids(Expert, plan.experts)
    for i in range(plan.experts):
        hot = i == 0
        names_ = _name(w)
        _gender, title, first_name, last_name, *_en = names_
        if rng.random() < 0.25:
            title = "ดร."
            names_ = (names_[0], title, first_name, last_name, "Dr.", *names_[5:])
        nid = w.national_id()
        expert_id = first + i
        username = hot_username if hot else f"expert.{expert_id:06d}"
        user_id = accounts.add_user(username, names_, nid)
        home, home_name = None, ""
        if hot:
            owner, home_name = hot_province, HOT_ASSESSOR_HOME
        elif rng.random() < 0.03:  # the DLA's own registry: anyone, anywhere
            owner = w.root
            if rng.random() < 0.5:
                home = rng.choice(rng.choice((w.laos, w.units)) or w.laos)
        else:
            owner = rng.choices(w.provinces, weights=owner_weights)[0]
            if homes.get(owner.code) and rng.random() < 0.85:
                home = rng.choice(homes[owner.code])
        if home is None and not home_name:
            home_name = rng.choice(OUTSIDE_HOMES)
        if hot:
            expert_areas, standings, cap = set(), set(ALL_ASSESSED), HOT_ASSESSOR_CAP
        else:
            main = rng.choices(areas, weights=area_weights)[0][0]
            same_type = by_type[type_of[main]]
            expert_areas = {main, *rng.sample(same_type, min(len(same_type),
                                                              rng.choice((0, 0, 1, 2))))}
            standings = set(rng.choices([s for s, _w in EXPERT_STANDINGS],
                                        weights=[wt for _s, wt in EXPERT_STANDINGS])[0])
            cap = 3
        active_from = _random_date(rng, 2020, 2024)
        keeper = (w.user_of(Role.PROVINCE_ADMIN, owner) if owner.kind == OrgKind.PROVINCE
                  else w.user_of(Role.DLA_ADMIN, owner))
        row = [expert_id, owner.id, user_id, title, first_name, last_name, nid,
               f"{username}@scale.dlep.local", f"08{rng.randrange(10**8):08d}",
               rng.choice(EXPERT_POSITIONS), home.id if home else None, home_name, active_from,
               None, cap, True, keeper]
        w.experts.append(ExpertFacts(expert_id, user_id, row, expert_areas, standings, cap, home,
                                     active_from))
    _seat_assessors(w)

    accounts.flush()
    w.writer.write(Expert, EXPERT_COLUMNS,
                   ([*e.row, sorted(e.standings)] for e in w.experts))
    links = [(e.id, area) for e in w.experts for area in sorted(e.areas)]
    start = w.writer.ids(Expert.subject_areas.through, len(links))
    w.writer.write(Expert.subject_areas.through, ["id", "expert_id", "subjectarea_id"],
                   ((start + i, *link) for i, link in enumerate(links)))


def _seat_assessors(w: World) -> None:
    """Three experts per request past the approval (``Assessed.seats``), the hot assessor's
    first: seat 3 of the first requests awaiting replies (seat 3 always awaits), seat 1 of the
    first requests with assessors complete (a draft sheet) and of a sample of those scored."""
    plan, rng, experts = w.plan, w.rng, w.experts
    if not w.assessed:
        return
    hot = experts[0]
    by_state: dict[str, list[Assessed]] = {}
    for a in w.assessed:
        by_state.setdefault(a.state, []).append(a)
    scored = [a for a in w.assessed if ASSESSMENT_STAGE[a.state] >= 2]
    for a in by_state.get("panel_approved", [])[: plan.hot_assessor_awaiting]:
        a.seats[2] = hot
    for a in by_state.get("assessors_complete", [])[: plan.hot_assessor_drafting]:
        a.seats[0] = hot
    for a in rng.sample(scored, plan.hot_assessor_submitted):
        a.seats[0] = hot
    for a in w.assessed:
        if hot in a.seats:
            hot.areas.add(a.area)

    pool: dict[int, list[ExpertFacts]] = {}
    for e in experts[1:]:
        for area in e.areas:
            pool.setdefault(area, []).append(e)

    for a in w.assessed:
        lao = a.facts.unit.lao
        holds_open = ASSESSMENT_STAGE[a.state] <= 1  # awaiting, or accepted and not scored

        def fits(e: ExpertFacts, a=a, lao=lao, holds_open=holds_open) -> bool:
            return (e not in a.seats and (e.home is None or e.home.lao is not lao)
                    and (not holds_open or e.open < e.cap))

        for seat in range(3):
            e = a.seats[seat]
            if e is None:
                candidates = pool.get(a.area, [])
                for _ in range(20):
                    pick = rng.choice(candidates) if candidates else None
                    if pick is not None and a.requested in pick.standings and fits(pick):
                        e = pick
                        break
                else:
                    # a thin pool: anyone (registered for it from now on), the cap kept if
                    # possible
                    others = experts[1:]
                    e = next((x for x in rng.sample(others, min(len(others), 200)) if fits(x)),
                             None) or next(x for x in others if x not in a.seats)
                    if a.area not in e.areas:
                        e.areas.add(a.area)
                        pool.setdefault(a.area, []).append(e)
                    e.standings.add(a.requested)
                a.seats[seat] = e
            if holds_open:
                e.open += 1


def _assessment(w: World) -> None:
    """Moves the requests past the certification on, as the services of appraisal part 2 leave
    them (see above): the draw, invitations, score sheets, grants, decisions, history lines,
    then each state by one UPDATE (the certification lock lets the state move on), and the
    appointed people's new standing."""
    if not w.assessed:
        return
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    from appraisal import draw as draws
    from appraisal import rules, scoring

    rng, write, ids = w.rng, w.writer.write, w.writer.ids
    content_type = ContentType.objects.get_for_model(Application)
    permission = Permission.objects.get(content_type=content_type,
                                        codename="view_application").pk
    rubrics = {standing: scoring.rubrics_for(standing) for standing in ALL_ASSESSED}
    type_of = dict(SubjectArea.objects.values_list("pk", "classroom_type"))
    reply_days = datetime.timedelta(days=settings.INVITATION_REPLY_DAYS)
    scoring_days = datetime.timedelta(days=settings.ASSESSMENT_SCORING_DAYS)
    year_be = w.today.year + 543

    n = len(w.assessed)
    draw_first, invitation_first = ids(AssessorDraw, n), ids(Invitation, 3 * n)
    draw_rows, invitation_rows, sheets, grants, decisions, events = [], [], [], [], [], []
    appointed, lines = [], []

    def event(a, action, from_state, to_state, actor, at, **data):
        events.append((a.id, 1, action, from_state, to_state, actor, "", data, at))

    def levels_of(a, good: bool) -> dict[str, int]:
        choices = (3, 4, 4) if good else (1, 2, 2, 3)
        return {str(i.pk): rng.choice(choices) for r in rubrics[a.requested]
                for i in r.indicators.all()}

    for k, a in enumerate(w.assessed):
        t, stage, unit = a.timeline, ASSESSMENT_STAGE[a.state], a.facts.unit
        lao, province = unit.lao, unit.province
        officer = w.user_of(Role.OFFICER, lao)
        secretary = w.user_of(Role.PROVINCE_ADMIN, province)
        meeting = (f"การประชุมคณะกรรมการข้าราชการครูฯ จังหวัด{province.name} "
                   f"ครั้งที่ {rng.randint(1, 12)}/{year_be}")
        event(a, "panel_approved", "qualified", "panel_approved", secretary, t.panel,
              meeting_ref=meeting)

        # the draw: the record of a full draw of three (the picks' facts as the rules read them)
        draw_id = draw_first + k
        picks = [e.id for e in a.seats]
        pool = sorted(picks)
        remaining, values = list(pool), []
        for pick in picks:
            values.append(remaining.index(pick))
            remaining.remove(pick)
        app_facts = {"id": a.id, "subject_area_id": a.area, "classroom_type": a.classroom,
                     "requested_standing": a.requested, "applicant_user_id": a.facts.user_id,
                     "school_path": unit.path, "lao_path": lao.path,
                     "as_of": t.drawn.date().isoformat(), "spent_expert_ids": [],
                     "seated_expert_ids": []}
        candidates = {str(e.id): {
            "id": e.id, "user_id": e.user_id, "user_active": True, "is_active": True,
            "active_from": e.active_from.isoformat(), "active_to": None,
            "subject_area_ids": sorted(e.areas),
            "classroom_types": sorted({type_of[x] for x in e.areas}),
            "standings": sorted(e.standings), "max_concurrent": e.cap, "open_assignments": 0,
            "home_path": e.home.path if e.home else "", "member_paths": [],
            "same_national_id": False} for e in a.seats}
        record = AssessorDraw(id=draw_id, application_id=a.id, sequence=1,
                              outcome=DrawOutcome.DRAWN, trigger="manual", needed=3,
                              seats=[1, 2, 3], application_facts=app_facts,
                              candidates=candidates, excluded={}, pool=pool, values=values,
                              picks=picks, drawn_by_id=officer, drawn_at=t.drawn)
        record.digest = draws.digest(draws.record_of(record))
        draw_rows.append((draw_id, a.id, 1, record.outcome, record.trigger, 3, [1, 2, 3],
                          app_facts, candidates, {}, pool, values, picks, record.digest,
                          officer, t.drawn))
        event(a, "assessors_drawn", "panel_approved", "panel_approved", officer, t.drawn,
              draw=draw_id, sequence=1, outcome=DrawOutcome.DRAWN, seats=[1, 2, 3],
              picks=picks, pool_size=len(pool), trigger="manual")

        # the invitations, the replies, a sheet and a grant per acceptance
        # the committee approves what passed; some of those just assessed did not pass
        passed = a.state != "result_not_approved" and (a.state != "assessed"
                                                       or rng.random() < 0.8)
        levels = [levels_of(a, passed) for _ in range(3)] if stage >= 2 else []
        if levels:
            sides = rules.sides_for(a.requested)
            percents = [scoring.percentages(rubrics[a.requested], lv) for lv in levels]
            result = rules.decide({s: [Decimal(p[str(s)]) for p in percents] for s in sides},
                                  a.requested)
            if result.passed != passed:  # the dice disagreed: all 4s pass, all 1s fail
                levels = [dict.fromkeys(lv, 4 if passed else 1) for lv in levels]
                percents = [scoring.percentages(rubrics[a.requested], lv) for lv in levels]
                result = rules.decide({s: [Decimal(p[str(s)]) for p in percents]
                                       for s in sides}, a.requested)
        seat_ids = [invitation_first + 3 * k + seat for seat in range(3)]
        for seat, e in enumerate(a.seats):
            invitation_id, replied = seat_ids[seat], t.replies[seat]
            invitation_rows.append((invitation_id, a.id, e.id, draw_id, seat + 1,
                                    "accepted" if replied else "awaiting", t.drawn,
                                    t.drawn + reply_days, replied,
                                    replied.date() + scoring_days if replied else None))
            if replied is None:
                continue
            event(a, "invitation_reply", "panel_approved", "panel_approved", e.user_id, replied,
                  invitation=invitation_id, seat=seat + 1, expert=e.id,
                  invitation_state="accepted")
            grants.append((permission, content_type.pk, str(a.id), e.user_id))
            if levels:
                notes = {str(s): {"strengths": "การออกแบบกิจกรรมสอดคล้องกับบริบทของผู้เรียน",
                                  "remarks": "ควรเพิ่มหลักฐานผลลัพธ์การเรียนรู้ที่หลากหลาย"}
                         for s in rules.sides_for(a.requested)}
                sheets.append((invitation_id, levels[seat], notes, percents[seat],
                               t.submits[seat]))
            else:  # an empty sheet on acceptance; some assessors have begun side 1
                draft = {}
                if stage == 1 and rng.random() < 0.5:
                    draft = {str(i.pk): rng.choice((2, 3, 4))
                             for i in rubrics[a.requested][0].indicators.all()}
                sheets.append((invitation_id, draft, {},
                               scoring.percentages(rubrics[a.requested], draft), None))
        if stage >= 1:
            event(a, "assessors_complete", "panel_approved", "assessors_complete", None,
                  max(t.replies))
        if stage >= 2:
            decisions.append((a.id, a.requested, result.threshold, {
                str(s): {"passed": ok, "percentages": [str(p) for p in pcts],
                         "invitations": seat_ids}
                for s, (ok, pcts) in result.sides.items()}, result.passed, t.assessed))
            event(a, "assessed", "assessors_complete", "assessed", None, t.assessed,
                  passed=result.passed,
                  sides={str(s): ok for s, (ok, _p) in result.sides.items()})
        if stage >= 3:
            outcome = "result_not_approved" if a.state == "result_not_approved" \
                else "result_approved"
            event(a, outcome, "assessed", outcome, secretary, t.result, meeting_ref=meeting)
            if outcome == "result_not_approved" and rng.random() < 0.5:  # told, state stays
                event(a, "notified", outcome, outcome, secretary,
                      t.result + datetime.timedelta(hours=6), meeting_ref=meeting,
                      approved=False, confirmed=True)
        if stage >= 4:
            event(a, "notified", "result_approved", "notified", secretary, t.notified,
                  meeting_ref=meeting, approved=True, confirmed=True)
        if stage >= 5:
            order = f"คำสั่ง{lao.name} ที่ {rng.randint(1, 999)}/{year_be}"
            effective = a.entered  # never before the complete request entered the system
            event(a, "appointed", "notified", "appointed", secretary, t.appointed,
                  order_ref=order, effective_on=effective.isoformat())
            appointed.append((a.requested, w.writer.connection.ops.adapt_datefield_value(
                effective), a.facts.id))
            lines.append((a.facts.id, effective, PositionType.TEACHER, a.facts.position_number,
                          unit.name, a.facts.rank, a.facts.salary, a.requested, order,
                          secretary))

    write(AssessorDraw, ["id", "application_id", "sequence", "outcome", "trigger", "needed",
                         "seats", "application_facts", "candidates", "excluded", "pool",
                         "values", "picks", "digest", "drawn_by_id", "drawn_at"], draw_rows)
    write(Invitation, ["id", "application_id", "expert_id", "draw_id", "seat", "state",
                       "invited_at", "reply_by", "replied_at", "score_due"], invitation_rows)
    start = ids(ScoreSheet, len(sheets))
    write(ScoreSheet, ["id", "invitation_id", "levels", "notes", "percentages", "submitted_at"],
          ((start + i, *row) for i, row in enumerate(sheets)))
    start = ids(AssessmentDecision, len(decisions))
    write(AssessmentDecision, ["id", "application_id", "requested_standing", "threshold",
                               "sides", "passed", "decided_at"],
          ((start + i, *row) for i, row in enumerate(decisions)))
    start = ids(UserObjectPermission, len(grants))
    write(UserObjectPermission, ["id", "permission_id", "content_type_id", "object_pk",
                                 "user_id"], ((start + i, *row) for i, row in enumerate(grants)))
    start = ids(ApplicationEvent, len(events))
    write(ApplicationEvent, ["id", "application_id", "round_no", "action", "from_state",
                             "to_state", "actor_id", "reason", "data", "at"],
          ((start + i, *row) for i, row in enumerate(events)))

    # each state by one UPDATE over its range of ids (``_applications`` made them contiguous)
    ranges: dict[str, list[int]] = {}
    for a in w.assessed:
        ranges.setdefault(a.state, []).append(a.id)
    adapt = w.writer.connection.ops.adapt_datetimefield_value
    for state, app_ids in ranges.items():
        low, high = min(app_ids), max(app_ids)
        if high - low + 1 != len(app_ids):
            raise RuntimeError(f"the {state} requests are not one range of ids")
        changed = w.writer.execute(
            "UPDATE appraisal_application SET state = %s, updated_at = %s "
            "WHERE id >= %s AND id <= %s AND state = 'qualified'",
            [state, adapt(w.now), low, high])
        if changed != len(app_ids):
            raise RuntimeError(f"moved {changed} requests to {state}, expected {len(app_ids)}")
    # the appointment order: the new standing in the person's record, and its ก.พ.7 line
    if appointed:
        with w.writer.connection.cursor() as cursor:
            cursor.executemany("UPDATE personnel_person SET standing = %s, "
                               "standing_granted_on = %s WHERE id = %s", appointed)
        start = ids(PositionHistory, len(lines))
        write(PositionHistory, ["id", "person_id", "effective_on", "position_type",
                                "position_number", "organization_name", "salary_rank", "salary",
                                "standing", "order_ref", "created_by_id"],
              ((start + i, *row) for i, row in enumerate(lines)))


# The steps, in order.
STEPS: list[tuple[str, Callable[[World], None]]] = [
    ("organisations and committees", _orgs),
    ("office accounts", _office_accounts),
    ("people, accounts and history", _people),
    ("applications, files, checks, PA", _applications),
    ("certification", _certify),
    ("experts, their accounts and assessors", _experts),
    ("assessment: draws, invitations, sheets, decisions", _assessment),
]


@dataclass
class Summary:
    plan: Plan
    seconds: float
    steps: dict[str, float]
    rows: dict[str, int]
    method: str

    def as_dict(self) -> dict:
        return {"factor": self.plan.factor, "seconds": round(self.seconds, 1),
                "method": self.method, "steps": {k: round(v, 1) for k, v in self.steps.items()},
                "rows": dict(sorted(self.rows.items())),
                "hot_assessor": {"login": hot_logins()["assessor"],
                                 "awaiting": self.plan.hot_assessor_awaiting,
                                 "accepted": self.plan.hot_assessor_accepted}}


def build(factor: float, *, hot_roster: int = 500, hot_queue: int = 1000, seed: int = SEED,
          using: str = "default", copy: bool | None = None,
          log: Callable[[str], None] = lambda _line: None) -> Summary:
    """Write the synthetic country into ``using`` (which should hold no organisation yet)."""
    plan = Plan.for_factor(factor, hot_roster=hot_roster, hot_queue=hot_queue)
    started = time.perf_counter()
    now = timezone.now()
    writer = Writer(using, copy=copy, now=now)
    names()  # romanising the name pools takes a few seconds: not part of any step
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    world = World(plan=plan, writer=writer, rng=rng, now=now, today=timezone.localdate(),
                  password=make_password(SCALE_PASSWORD))  # hashed once
    steps: dict[str, float] = {}
    with transaction.atomic(using=using):
        for label, step in STEPS:
            t = time.perf_counter()
            step(world)
            steps[label] = time.perf_counter() - t
            log(f"  {label}: {steps[label]:.1f} s")
        writer.finish()
    if connections[using].vendor == "postgresql":
        t = time.perf_counter()
        with connections[using].cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics, for the benchmark's queries
        steps["analyze"] = time.perf_counter() - t
    return Summary(plan=plan, seconds=time.perf_counter() - started, steps=steps,
                   rows=dict(writer.rows), method="COPY" if writer.copy else "executemany")


def reset(using: str = "default") -> None:
    """Empty the tables the build writes, and everything that refers to them, on PostgreSQL
    (TRUNCATE fires no row trigger, so the certification lock lets certified requests go).
    Data the migrations put in (subject areas, e-Learning channels) stays."""
    connection = connections[using]
    name = connection.settings_dict["NAME"] or ""
    if connection.vendor != "postgresql":
        raise ValueError("--reset needs PostgreSQL; for SQLite delete the file and migrate")
    if not any(word in name for word in ("scale", "bench", "test")):
        raise ValueError(f"refusing to empty the database {name!r}: --reset only runs on a "
                         "database whose name contains 'scale', 'bench' or 'test'")
    tables = [Organization._meta.db_table, User._meta.db_table, "django_session"]
    with connection.cursor() as cursor:
        # deferred foreign-key checks of this transaction first: TRUNCATE refuses to run
        # while any are pending
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    from guardian.management import create_anonymous_user

    create_anonymous_user(None, using=using)  # django-guardian's row, emptied with the users
