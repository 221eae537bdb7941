"""What the card's bytes mean: TIS-620 text, '#'-separated names and addresses, Buddhist-era
dates with unknown parts, the gender code and the JPEG photo. Pure functions, no PC/SC, no
Django: the local agent runs them on the user's computer.
"""

from __future__ import annotations

import base64
import calendar
import datetime
from dataclasses import dataclass, field

from .errors import CardDataError

BUDDHIST_ERA_OFFSET = 543
# A lifelong card (issued at 70 or older) carries this instead of an expiry date.
LIFELONG = "99999999"
JPEG_START = b"\xff\xd8"
JPEG_END = b"\xff\xd9"
# Trailing bytes the card pads its fields with.
PADDING = b"\x00\x20\x90\xff"

# Titles as the card abbreviates them, as the portal's forms spell them.
TITLE_EXPANSIONS = {
    "น.ส.": "นางสาว",
    "ด.ช.": "เด็กชาย",
    "ด.ญ.": "เด็กหญิง",
}

GENDERS = {"1": "male", "2": "female"}


def decode_text(raw: bytes) -> str:
    """TIS-620 (Thai Industrial Standard 620-2533) without the padding around it."""
    return raw.rstrip(PADDING).decode("tis-620", errors="replace").strip()


@dataclass(frozen=True)
class Name:
    title: str = ""
    first: str = ""
    middle: str = ""
    last: str = ""

    @property
    def full(self) -> str:
        # Thai writes the title against the name (นายสมชาย), English with a space (Mr. Somchai).
        joiner = " " if self.title.isascii() else ""
        head = joiner.join(p for p in (self.title, self.first) if p)
        return " ".join(p for p in (head, self.middle, self.last) if p)

    @property
    def given(self) -> str:
        """First and middle name together, as one form field holds them."""
        return " ".join(p for p in (self.first, self.middle) if p)

    def as_json(self) -> dict:
        return {"title": self.title, "first": self.first, "middle": self.middle,
                "last": self.last, "full": self.full}


def parse_name(text: str) -> Name:
    """``title#first#middle#last`` (``นาย#สมชาย##ใจดี``)."""
    parts = [p.strip() for p in text.split("#")]
    if len(parts) == 3:  # title#first#last, seen on some cards' English side
        parts = [parts[0], parts[1], "", parts[2]]
    parts = ([*parts, "", "", "", ""])[:4]
    return Name(*parts)


@dataclass(frozen=True)
class CardDate:
    """A date from the card: Buddhist-era ``YYYYMMDD`` where ``MM`` or ``DD`` may be ``00`` when
    the registry does not know them (common for births before the 1970s)."""

    year: int  # Common Era
    month: int | None
    day: int | None
    raw: str

    @property
    def precision(self) -> str:
        if self.month is None:
            return "year"
        return "month" if self.day is None else "day"

    def earliest(self) -> datetime.date:
        """The date counted from: ป.พ.พ. มาตรา 16 — an unknown day is the 1st of the month, an
        unknown month the start of the calendar year."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> datetime.date:
        """The last day the date can mean (used for expiry: never call a valid card expired)."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return datetime.date(self.year, month, day)

    def as_json(self) -> str:
        return self.earliest().isoformat()


def parse_date(text: str, *, what: str = "date") -> CardDate | None:
    """``25230425`` → 25 April 1980. ``None`` when the whole date is unknown (all zeros or
    blank); ``CardDataError`` when it is not a date at all."""
    text = text.strip()
    if not text or set(text) == {"0"}:
        return None
    if len(text) != 8 or not text.isdigit():
        raise CardDataError(detail=f"{what}: not YYYYMMDD")
    year_be, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    if year_be == 0:
        return None
    try:
        result = CardDate(year=year_be - BUDDHIST_ERA_OFFSET, month=month or None,
                          day=(day or None) if month else None, raw=text)
        result.earliest()
        result.latest()
    except ValueError:
        raise CardDataError(detail=f"{what}: impossible date") from None
    return result


@dataclass(frozen=True)
class Address:
    """The registered address (ที่อยู่ตามทะเบียนบ้าน), split as the card stores it:
    ``house#moo#trok#soi#road#subdistrict#district#province`` with empty parts kept."""

    house_no: str = ""
    moo: str = ""  # หมู่ที่
    trok: str = ""  # ตรอก
    soi: str = ""  # ซอย
    road: str = ""  # ถนน
    subdistrict: str = ""  # ตำบล / แขวง
    district: str = ""  # อำเภอ / เขต
    province: str = ""  # จังหวัด
    extra: tuple[str, ...] = field(default_factory=tuple)  # parts the layout does not name

    @property
    def full(self) -> str:
        parts = (self.house_no, self.moo, self.trok, self.soi, self.road, *self.extra,
                 self.subdistrict, self.district, self.province)
        return " ".join(p for p in parts if p)

    def as_json(self) -> dict:
        return {"house_no": self.house_no, "moo": self.moo, "trok": self.trok, "soi": self.soi,
                "road": self.road, "subdistrict": self.subdistrict, "district": self.district,
                "province": self.province, "full": self.full}


_ADDRESS_PREFIXES = (("หมู่", "moo"), ("ตรอก", "trok"), ("ซอย", "soi"), ("ถนน", "road"))
_ADDRESS_MIDDLE = ("moo", "trok", "soi", "road")


def parse_address(text: str) -> Address:
    """The last three parts are always subdistrict, district and province; the first is the
    house number; the parts between are recognised by their prefix, else by their place."""
    parts = [p.strip() for p in text.split("#")]
    if not any(parts):
        return Address()
    if len(parts) < 4:  # not the card's layout: keep what there is, in order
        return Address(extra=tuple(p for p in parts if p))
    house_no, middle, tail = parts[0], parts[1:-3], parts[-3:]
    found: dict[str, str] = {}
    extra: list[str] = []
    for position, part in enumerate(middle):
        if not part:
            continue
        key = next((k for prefix, k in _ADDRESS_PREFIXES if part.startswith(prefix)), None)
        if key is None and position < len(_ADDRESS_MIDDLE):
            key = _ADDRESS_MIDDLE[position]
        if key is None or key in found:
            extra.append(part)
        else:
            found[key] = part
    return Address(house_no=house_no, **found, subdistrict=tail[0], district=tail[1],
                   province=tail[2], extra=tuple(extra))


def citizen_id_checksum_ok(number: str) -> bool:
    """The 13th digit: (11 − Σ dᵢ·(13−i) mod 11) mod 10. The server checks again with
    python-stdnum; the agent only refuses what cannot be an ID card's number."""
    if len(number) != 13 or not number.isdigit():
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(number[:12]))
    return (11 - total % 11) % 10 == int(number[12])


def parse_citizen_id(text: str) -> str:
    number = "".join(text.split())
    if not citizen_id_checksum_ok(number):
        raise CardDataError(detail="citizen id: not 13 digits with a valid check digit")
    return number


def trim_photo(raw: bytes) -> bytes | None:
    """The JPEG without the padding after its end marker; ``None`` when there is no photo."""
    start = raw.find(JPEG_START)
    if start < 0:
        return None
    end = raw.rfind(JPEG_END)
    return raw[start:end + 2] if end > start else raw[start:].rstrip(PADDING)


@dataclass(frozen=True)
class CardData:
    national_id: str
    name_th: Name
    name_en: Name
    birth_date: CardDate
    gender: str  # "male", "female" or "" when the card says something else
    issuer: str
    issue_date: CardDate | None
    expiry_date: CardDate | None  # None: lifelong
    address: Address
    photo: bytes | None = None
    atr: str = ""

    @property
    def lifelong(self) -> bool:
        return self.expiry_date is None

    def is_expired(self, today: datetime.date) -> bool:
        return self.expiry_date is not None and self.expiry_date.latest() < today

    def as_json(self, *, photo: bool = False) -> dict:
        data = {
            "national_id": self.national_id,
            "name_th": self.name_th.as_json(),
            "name_en": self.name_en.as_json(),
            "birth_date": self.birth_date.as_json(),
            "birth_date_precision": self.birth_date.precision,
            "gender": self.gender,
            "issuer": self.issuer,
            "issue_date": self.issue_date.as_json() if self.issue_date else None,
            "expiry_date": self.expiry_date.latest().isoformat() if self.expiry_date else None,
            "lifelong": self.lifelong,
            "address": self.address.as_json(),
        }
        if photo:
            data["photo_jpeg_base64"] = (base64.b64encode(self.photo).decode("ascii")
                                         if self.photo else None)
        return data

    def registration_fields(self) -> dict:
        """The staff registration form's fields (accounts/staff_views.py), filled in the
        browser by ``window.dlepFillRegistration``; the server checks them all again."""
        return {
            "national_id": self.national_id,
            "title_th": TITLE_EXPANSIONS.get(self.name_th.title, self.name_th.title),
            "first_name": self.name_th.given,
            "last_name": self.name_th.last,
            "title_en": self.name_en.title,
            "first_name_en": self.name_en.given,
            "last_name_en": self.name_en.last,
            "birth_date": self.birth_date.as_json(),
            "card_expiry": self.expiry_date.latest().isoformat() if self.expiry_date else "",
        }


def parse_card(fields: dict[str, bytes], *, photo: bytes | None = None,
               atr: bytes = b"") -> CardData:
    """Build ``CardData`` from the raw bytes of each field (keys: ``apdu.TEXT_FIELDS`` names)."""
    text = {name: decode_text(raw) for name, raw in fields.items()}
    birth = parse_date(text["birth_date"], what="birth date")
    if birth is None:
        raise CardDataError(detail="birth date: unknown")
    expiry_text = text["expiry_date"]
    expiry = None
    if expiry_text != LIFELONG:
        expiry = parse_date(expiry_text, what="expiry date")
        if expiry is None:  # all zeros: not a lifelong card, and no date either
            raise CardDataError(detail="expiry date: unknown")
    return CardData(
        national_id=parse_citizen_id(text["citizen_id"]),
        name_th=parse_name(text["name_th"]),
        name_en=parse_name(text["name_en"]),
        birth_date=birth,
        gender=GENDERS.get(text["gender"], ""),
        issuer=text["issuer"],
        issue_date=parse_date(text["issue_date"], what="issue date"),
        expiry_date=expiry,
        address=parse_address(text["address"]),
        photo=trim_photo(photo) if photo is not None else None,
        atr=atr.hex(" ").upper(),
    )
