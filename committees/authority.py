"""Who issues an appointment order and on what authority (seed 004 step 7; seeds 000, 003).

For a teacher of a local administrative organisation (อปท.) the order giving an academic standing
is the LAO's own order, signed by the head of the LAO (นายกองค์การบริหารส่วนตำบล, นายกเทศมนตรี,
นายกองค์การบริหารส่วนจังหวัด, นายกเมืองพัทยา), acting on the resolution of the provincial committee
that handles the LAO's teachers (ก.อบต.จังหวัด, ก.ท.จ., ก.จ.จ., ก.เมืองพัทยา; RULES.md §1): the
committee approves, the LAO orders. Seed 004 shows the same split for schools under the
ministry (มาตรา ๕๓ (๓): "ให้ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาเป็นผู้มีอำนาจสั่งบรรจุและแต่งตั้ง
โดยอนุมัติ อ.ก.ค.ศ. เขตพื้นที่การศึกษา").

The seeds name one legal ground for LAO teachers' standings: the ประกาศ ก.จ. ก.ท. และ ก.อบต.
เรื่อง มาตรฐานทั่วไปเกี่ยวกับการประเมินตำแหน่งและวิทยฐานะ ... พ.ศ. ๒๕๖๕ (seed 000). They do not
quote the act under which the LAO's head appoints on the committee's resolution; the default
text names it in the standard form of local orders, the พระราชบัญญัติระเบียบบริหารงานบุคคลส่วน
ท้องถิ่น พ.ศ. ๒๕๔๒, without a section number, and the secretary may complete it on the order
(``AppointmentOrder.legal_basis``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.rules import CommitteeKind, LaoType

# The words of a type's full name and of its head's title; abbreviations that names may start
# with in the registry ("อบต. นาโพธิ์").
_LAO_WORDS = {
    LaoType.PAO: ("องค์การบริหารส่วนจังหวัด", "นายกองค์การบริหารส่วนจังหวัด", ("อบจ.",)),
    LaoType.CITY_MUNICIPALITY: ("เทศบาลนคร", "นายกเทศมนตรีนคร", ("ทน.",)),
    LaoType.TOWN_MUNICIPALITY: ("เทศบาลเมือง", "นายกเทศมนตรีเมือง", ("ทม.",)),
    LaoType.SUBDISTRICT_MUNICIPALITY: ("เทศบาลตำบล", "นายกเทศมนตรีตำบล", ("ทต.",)),
    LaoType.SAO: ("องค์การบริหารส่วนตำบล", "นายกองค์การบริหารส่วนตำบล", ("อบต.",)),
    LaoType.PATTAYA: ("เมืองพัทยา", "นายกเมืองพัทยา", ()),
}

# The committees' names in full (the acronyms of RULES.md §1 spelled out).
COMMITTEE_FULL_NAMES = {
    CommitteeKind.KJJ: "คณะกรรมการข้าราชการองค์การบริหารส่วนจังหวัด",
    CommitteeKind.KTJ: "คณะกรรมการพนักงานเทศบาลจังหวัด",
    CommitteeKind.KOBTJ: "คณะกรรมการพนักงานส่วนตำบลจังหวัด",
    CommitteeKind.PATTAYA: "คณะกรรมการพนักงานเมืองพัทยา",
}

# Arabic digits, as every stored text: a document prints them in Thai digits on request
LAW = ("พระราชบัญญัติระเบียบบริหารงานบุคคลส่วนท้องถิ่น พ.ศ. 2542 ประกอบกับประกาศ ก.จ. ก.ท. "
       "และ ก.อบต. เรื่อง มาตรฐานทั่วไปเกี่ยวกับการประเมินตำแหน่งและวิทยฐานะข้าราชการหรือพนักงานครู"
       "และบุคลากรทางการศึกษาองค์กรปกครองส่วนท้องถิ่น พ.ศ. 2565")


def _place(lao) -> str:
    """The LAO's place name: its name without the type's words or abbreviation."""
    full, _head, abbreviations = _LAO_WORDS.get(lao.lao_type, ("", "", ()))
    name = lao.name.strip()
    for prefix in (full, *abbreviations):
        if prefix and name.startswith(prefix):
            return name[len(prefix):].strip()
    return name


def lao_full_name(lao) -> str:
    """องค์การบริหารส่วนตำบลนาโพธิ์ for "อบต. นาโพธิ์": the name an order is headed with."""
    if lao.lao_type == LaoType.PATTAYA:
        return "เมืองพัทยา"
    full, _head, _abbr = _LAO_WORDS.get(lao.lao_type, ("", "", ()))
    return f"{full}{_place(lao)}" if full else lao.name


def head_title(lao) -> str:
    """The head of the LAO, who signs its orders: นายกองค์การบริหารส่วนตำบลนาโพธิ์,
    นายกเทศมนตรีตำบลนาแก, นายกองค์การบริหารส่วนจังหวัดนครพนม, นายกเมืองพัทยา."""
    if lao.lao_type == LaoType.PATTAYA:
        return "นายกเมืองพัทยา"
    _full, head, _abbr = _LAO_WORDS.get(lao.lao_type, ("", "นายก", ()))
    return f"{head}{_place(lao)}"


def signer_matches(lao, position: str) -> bool:
    """A signer's position matches the authority when it is the head of the LAO, or someone
    signing for the head ("ปลัด... ปฏิบัติราชการแทนนายก..." names the head too)."""
    return head_title(lao) in (position or "")


def committee_short_name(committee) -> str:
    """ก.อบต.จังหวัดนครพนม, ก.ท.จ.นครพนม, ก.จ.จ.นครพนม, ก.เมืองพัทยา."""
    if committee.kind == CommitteeKind.PATTAYA:
        return committee.get_kind_display()
    return f"{committee.get_kind_display()}{_province(committee)}"


def committee_full_name(committee) -> str:
    """คณะกรรมการพนักงานส่วนตำบลจังหวัดนครพนม (ก.อบต.จังหวัดนครพนม)."""
    full = COMMITTEE_FULL_NAMES.get(committee.kind, "")
    if committee.kind != CommitteeKind.PATTAYA:
        full += _province(committee)
    return f"{full} ({committee_short_name(committee)})"


def _province(committee) -> str:
    return committee.province.name.removeprefix("จังหวัด").strip()


def default_legal_basis() -> str:
    """"อาศัยอำนาจตาม…" as the seeds support it (see the module's doc)."""
    return _("อาศัยอำนาจตามความใน%(law)s") % {"law": LAW}
