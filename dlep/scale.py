"""A synthetic country at national scale, for the benchmark and the scale tests (issue 10).

At factor 1.0 ``build()`` writes what the portal serves nationally: 77 provinces with their
committees, 878 districts, 7,850 LAOs in the real type mix, 30,000 schools and child development
centres, 500,000 people with their employment and history lines (ก.พ.7), and 60,000
academic-standing requests in every state with their evidence rows, checks, history and PA
results. Every count is ``round(national × factor)`` (at least one of each kind). The number of
provinces shrinks with the factor too, so that a province keeps a true-to-life size at any
factor and only the national pages grow with it.

On top come the benchmark's *hot spots*, the same size at any factor: one school with a roster
of ``hot_roster`` active people (500) and one LAO, a city municipality of the first province,
whose office queue holds ``hot_queue`` requests (1,000). Every role around them has a login
(``hot_logins``) with the password ``SCALE_PASSWORD``; every other account's password is
unusable.

Everything is written in bulk (``dlep.scale_writer``): COPY on PostgreSQL, executemany elsewhere.
Primary keys, treebeard paths and foreign keys are computed here, so nothing is read back.
Certified requests are written as they are made in the portal: at the office first, with their
files and checks, then certified by one UPDATE, which the certification lock
(appraisal/migrations/0003) allows.

Experts (the assessor registry, 20,000 at factor 1.0) are planned (``Plan.experts``) but not
generated: TODO(appraisal part 2): add an ``_experts`` step to ``STEPS`` once appraisal part 2
has its models, and the assessor's queue to the benchmark's pages (bench/pages.py).
"""

from __future__ import annotations

import datetime
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import connections, transaction
from django.utils import timezone

from accounts import national_id
from accounts.models import Membership, Organization, User
from accounts.rules import LaoType, OrgKind, Role, SchoolType, committee_kind_for
from appraisal.models import (
    Application,
    ApplicationEvent,
    EvidenceFile,
    PAResult,
    QualificationCheck,
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
NATIONAL_EXPERTS = 20_000  # appraisal part 2: planned, not generated yet

STATE_MIX = {"draft": 15, "submitted": 15, "at_office": 30, "returned": 10, "qualified": 30}
# the hot office's queue (everything past the draft), and a tenth more in drafts beside it
HOT_STATE_MIX = {"submitted": 15, "at_office": 45, "returned": 10, "qualified": 30}
HOT_EXTRA_SCHOOL_SIZE = 150

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
        national = split_states(self.applications, STATE_MIX)
        hot = split_states(self.hot_queue, HOT_STATE_MIX)
        hot["draft"] = self.hot_drafts
        return {s: national.get(s, 0) + hot.get(s, 0) for s in STATE_MIX}


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
        user_id = self.w.writer.ids(User, 1)
        _gender, title, first, last, title_en, first_en, last_en = names
        self.users.append((user_id, username, self.password(username),
                           f"{username}@scale.dlep.local", title, first, last, title_en,
                           first_en, last_en, nid, f"08{self.w.rng.randrange(10**8):08d}", True,
                           False, False, self.w.now))
        self.memberships.append((self.w.writer.ids(Membership, 1), user_id, org.id, role,
                                 position, True))
        self.w.users_by_role_org.setdefault((role, org.code), user_id)
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
                                    f"{row[2]}{row[3]} {row[4]}")
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
    ones are written at the office and certified afterwards (``_certify``)."""
    plan, rng = w.plan, w.rng
    if len(w.candidates) < plan.applications:
        raise ValueError(f"{plan.applications} requests need as many teachers who may apply; "
                         f"there are {len(w.candidates)}")
    national = split_states(plan.applications, STATE_MIX)
    hot = split_states(plan.hot_queue, HOT_STATE_MIX)
    hot["draft"] = plan.hot_drafts
    jobs = []  # (facts, state), the certified ones first: their ids are one range
    chosen = rng.sample(w.candidates, plan.applications)
    hot_chosen = w.hot_candidates[: plan.hot_queue + plan.hot_drafts]
    for people, states in ((chosen, national), (hot_chosen, hot)):
        i = 0
        for state in ("qualified", "at_office", "returned", "submitted", "draft"):
            for facts in people[i:i + states.get(state, 0)]:
                jobs.append((facts, state))
            i += states.get(state, 0)
    jobs.sort(key=lambda job: job[1] != "qualified")

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
        created = w.today - datetime.timedelta(days=rng.randint(20, 150))
        filed = entered = None
        round_no, reason, snapshot = 0, "", {}
        by_office = state in ("at_office", "qualified") or (state == "returned"
                                                            and rng.random() < 0.5)
        if state != "draft":
            round_no = 2 if state == "at_office" and rng.random() < 0.2 else 1
            filed = min(created + datetime.timedelta(days=rng.randint(1, 10)), w.today)
            if by_office:
                entered = min(filed + datetime.timedelta(days=rng.randint(1, 10)), w.today)
                snapshot = {"name": facts.name, "school": unit.name,
                            "standing": facts.standing}
        if state == "returned":
            reason = "แก้ไขเอกสารหลักฐานให้ครบถ้วน"
        stored_state = "at_office" if state == "qualified" else state
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
                decided = state == "qualified" or (state == "returned") or rng.random() < 0.5
                passed = state == "qualified" or rng.random() < 0.9
                headed = state == "qualified" or (decided and rng.random() < 0.5)
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
        if state == "qualified":
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
    leaves the row; the certification lock allows the step from uncertified to certified."""
    first, end = w.certified
    if end <= first:
        return
    certified_at = datetime.datetime.combine(w.today, datetime.time(3), tzinfo=datetime.UTC)
    changed = w.writer.execute(
        "UPDATE appraisal_application SET state = 'qualified', certified_at = %s, "
        "certified_by_id = (SELECT m.user_id FROM accounts_membership m "
        "WHERE m.organization_id = appraisal_application.office_id AND m.role = 'lao_admin' "
        "ORDER BY m.id LIMIT 1) WHERE id >= %s AND id < %s",
        [w.writer.connection.ops.adapt_datetimefield_value(certified_at), first, end])
    rows = end - first
    if changed != rows:
        raise RuntimeError(f"certified {changed} requests, expected {rows}")
    start = w.writer.ids(ApplicationEvent, rows)
    w.writer.execute(
        "INSERT INTO appraisal_applicationevent (id, application_id, round_no, action, "
        "from_state, to_state, actor_id, reason, data, at) SELECT %s + id - %s, id, round_no, "
        "'office_certified', 'at_office', 'qualified', certified_by_id, '', '{}', certified_at "
        "FROM appraisal_application WHERE id >= %s AND id < %s", [start, first, first, end])


# The steps, in order. TODO(appraisal part 2): ("experts", _experts) after "applications":
# 20,000 × factor experts (Plan.experts) with their subject areas and provinces.
STEPS: list[tuple[str, Callable[[World], None]]] = [
    ("organisations and committees", _orgs),
    ("office accounts", _office_accounts),
    ("people, accounts and history", _people),
    ("applications, files, checks, PA", _applications),
    ("certification", _certify),
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
                "experts": "not generated: appraisal part 2"}


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
