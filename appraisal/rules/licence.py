"""The teaching licence (RULES.md §4.1.5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from appraisal.rules.common import Verdict, _date

# --- teaching licence (RULES.md §4.1.5) --------------------------------------------------------


@dataclass(frozen=True)
class LicenceFact:
    number: str
    issued_on: date
    expires_on: date


def check_licence(licences: Iterable[LicenceFact], filed_on: date) -> Verdict:
    """RULES.md §4.1.5, seed 004 (เอกสารหลักฐาน ข้อ 3): a teaching licence valid on the
    application date — issued on or before it and expiring on or after it."""
    licences = sorted(licences, key=lambda x: x.expires_on, reverse=True)
    for lic in licences:
        if lic.issued_on <= filed_on <= lic.expires_on:
            return Verdict(True, _("ใบอนุญาตประกอบวิชาชีพครูเลขที่ %(number)s ใช้ได้ %(issued)s "
                                   "ถึง %(expires)s ครอบคลุมวันยื่นคำขอ %(filed)s")
                           % {"number": lic.number, "issued": _date(lic.issued_on),
                              "expires": _date(lic.expires_on), "filed": _date(filed_on)})
    if not licences:
        return Verdict(False, _("ไม่พบใบอนุญาตประกอบวิชาชีพครู"))
    notes = []
    for lic in licences:
        if lic.expires_on < filed_on:
            notes.append(_("เลขที่ %(number)s หมดอายุ %(date)s") % {
                "number": lic.number, "date": _date(lic.expires_on)})
        else:
            notes.append(_("เลขที่ %(number)s ออกให้ %(date)s") % {
                "number": lic.number, "date": _date(lic.issued_on)})
    return Verdict(False, _("ไม่มีใบอนุญาตประกอบวิชาชีพครูที่ใช้ได้ ณ วันยื่นคำขอ %(filed)s "
                            "(%(notes)s)") % {"filed": _date(filed_on), "notes": "; ".join(notes)})
