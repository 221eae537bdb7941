"""The tree of organisations with its committees, the offices' accounts, and the people with
their accounts, employment and ก.พ.7 lines."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from accounts import national_id
from accounts.models import Membership, Organization, User
from accounts.rules import LaoType, OrgKind, Role, SchoolType, committee_kind_for
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

from .plan import (
    ASSESSMENT_STAGE,
    DEGREE_FIELDS,
    HOT_EXTRA_SCHOOL_SIZE,
    HOT_LAO_CODE,
    HOT_LAO_NAME,
    HOT_PROVINCE_CODE,
    INSTITUTIONS,
    LAO_TYPE_DIGIT,
    PATTAYA_PROVINCE,
    PEOPLE_WEIGHT,
    UNIT_WEIGHTS,
    Plan,
    apportion,
    hot_logins,
    names,
)
from .writer import Writer

# --- What later steps need of the assessment (planned with the requests, written by
# assessment.py) --------------------------------------------------------------------------------


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
