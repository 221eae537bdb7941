"""The shape of the synthetic country: national counts, the plan at a factor, the hot spots and
their logins, the pools of Thai names."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from accounts.rules import LaoType, OrgKind, Role, SchoolType

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
