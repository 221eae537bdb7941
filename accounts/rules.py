"""Pure rules of the organisation tree and the roles (RULES.md §1). No ORM here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    AGENCY = "agency", _("กรมส่งเสริมการปกครองท้องถิ่น")
    PROVINCE = "province", _("จังหวัด")
    DISTRICT = "district", _("อำเภอ")
    LAO = "lao", _("องค์กรปกครองส่วนท้องถิ่น")
    SCHOOL = "school", _("สถานศึกษา")


class LaoType(models.TextChoices):
    PAO = "pao", _("อบจ.")
    CITY_MUNICIPALITY = "city", _("เทศบาลนคร")
    TOWN_MUNICIPALITY = "town", _("เทศบาลเมือง")
    SUBDISTRICT_MUNICIPALITY = "subdistrict", _("เทศบาลตำบล")
    SAO = "sao", _("อบต.")
    PATTAYA = "pattaya", _("เมืองพัทยา")


class SchoolType(models.TextChoices):
    SCHOOL = "school", _("โรงเรียน")
    CHILD_DEVELOPMENT_CENTRE = "cdc", _("ศูนย์พัฒนาเด็กเล็ก")


class CommitteeKind(models.TextChoices):
    """The provincial personnel committees (RULES.md §1)."""

    KJJ = "kjj", _("ก.จ.จ.")
    KTJ = "ktj", _("ก.ท.จ.")
    KOBTJ = "kobtj", _("ก.อบต.จังหวัด")
    PATTAYA = "kmp", _("ก.เมืองพัทยา")


# RULES.md §1: the LAO's type decides which provincial committee handles its teachers.
COMMITTEE_FOR_LAO_TYPE = {
    LaoType.PAO: CommitteeKind.KJJ,
    LaoType.CITY_MUNICIPALITY: CommitteeKind.KTJ,
    LaoType.TOWN_MUNICIPALITY: CommitteeKind.KTJ,
    LaoType.SUBDISTRICT_MUNICIPALITY: CommitteeKind.KTJ,
    LaoType.SAO: CommitteeKind.KOBTJ,
    LaoType.PATTAYA: CommitteeKind.PATTAYA,
}


def committee_kind_for(lao_type: str) -> CommitteeKind:
    try:
        return COMMITTEE_FOR_LAO_TYPE[LaoType(lao_type)]
    except ValueError:
        raise ValueError(f"unknown LAO type: {lao_type!r}") from None


# Which kind of organisation may sit under which. An อบจ. covers the whole province, so an LAO
# may hang from the province itself as well as from a district.
ALLOWED_PARENT_KINDS = {
    OrgKind.AGENCY: frozenset(),
    OrgKind.PROVINCE: frozenset({OrgKind.AGENCY}),
    OrgKind.DISTRICT: frozenset({OrgKind.PROVINCE}),
    OrgKind.LAO: frozenset({OrgKind.PROVINCE, OrgKind.DISTRICT}),
    OrgKind.SCHOOL: frozenset({OrgKind.LAO}),
}


def may_be_child(parent_kind: str | None, child_kind: str) -> bool:
    allowed = ALLOWED_PARENT_KINDS[OrgKind(child_kind)]
    if parent_kind is None:
        return not allowed
    return OrgKind(parent_kind) in allowed


class Role(models.TextChoices):
    DLA_ADMIN = "dla_admin", _("ผู้ดูแลระบบ สถ.")
    PROVINCE_ADMIN = "province_admin", _("ผู้ดูแลระดับจังหวัด (เลขานุการคณะกรรมการ)")
    LAO_ADMIN = "lao_admin", _("ผู้ดูแลด้านการศึกษา อปท.")
    SCHOOL_ADMIN = "school_admin", _("ผู้ดูแลสถานศึกษา")
    OFFICER = "officer", _("เจ้าหน้าที่")
    GROUP_HEAD = "group_head", _("หัวหน้ากลุ่ม")
    STAFF = "staff", _("บุคลากร")


# Roles that administer (see and change) the whole subtree under their organisation.
ADMIN_ROLES = frozenset({Role.DLA_ADMIN, Role.PROVINCE_ADMIN, Role.LAO_ADMIN, Role.SCHOOL_ADMIN})
# Roles that work on the rows of the whole subtree (check applications, keep records) but do
# not administer accounts or organisations.
OFFICE_ROLES = frozenset({Role.OFFICER, Role.GROUP_HEAD})

# The kind of organisation each role is held at.
ROLE_ORG_KINDS = {
    Role.DLA_ADMIN: frozenset({OrgKind.AGENCY}),
    Role.PROVINCE_ADMIN: frozenset({OrgKind.PROVINCE}),
    Role.LAO_ADMIN: frozenset({OrgKind.LAO}),
    Role.SCHOOL_ADMIN: frozenset({OrgKind.SCHOOL}),
    Role.OFFICER: frozenset({OrgKind.AGENCY, OrgKind.PROVINCE, OrgKind.LAO}),
    Role.GROUP_HEAD: frozenset({OrgKind.AGENCY, OrgKind.PROVINCE, OrgKind.LAO}),
    Role.STAFF: frozenset(OrgKind),
}


def role_allowed_at(role: str, org_kind: str) -> bool:
    return OrgKind(org_kind) in ROLE_ORG_KINDS[Role(role)]
