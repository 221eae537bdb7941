"""The work queues on the dashboard (issue 17 item 3): each role card lists the queues its role
acts on, with how many items wait, and links to them. Before, a queue was reached only from an
email or a typed address.

Who sees which queue follows the scoping its page and its service use:

=========================  ===========================================  =======================
queue                      acts on it                                   counted under the card
=========================  ===========================================  =======================
staff registrations        admin roles (``Access.ADMINISTER``)          its schools
school-admin requests      admins above a school (LAO, province, DLA)   schools strictly below
ก.พ.7 corrections          admin and office roles (``Access.WORK``)     records of its subtree
roster moves (incoming)    admin and office roles (``Access.WORK``)     records leaving it
data certification        the LAO's admin, officers, group heads        rounds its LAO has not
                           (``CERTIFYING_ROLES``)                       certified (in force)
                           the province's admin, officers, group heads  LAO certifications
                           (``VERIFYING_ROLES``)                        waiting for the province
credential issuing         ``accounts.issuing.ISSUER_ROLES``            units below lacking
                                                                        their admin (none
                                                                        counted at the DLA)
audit trail                admin roles                                  (a link, nothing waits)
=========================  ===========================================  =======================

Every count of a card comes from one query (scalar subqueries), kept between visits
(``core.kept``, namespace ``QUEUES``) until a row it counts changes in the card's province: the
signals below move it on at each save or delete of a registration, a correction, a move, a
certification, a membership or an organisation, so a queue's figure is right the moment its
items are decided (bulk updates call ``queues_changed``); a kept figure lives at most
``DASHBOARD_COUNTS_SECONDS``. Counted at every visit, the cards cost the province's and the
LAO's dashboards 3.3 and 3.0 × the floor in ``make bench`` (within 2× kept).
"""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import issuing
from accounts.dashboard import Panel, PanelItem
from accounts.dashboard import kept as kept_figure
from accounts.models import (
    Membership,
    Organization,
    RegistrationStatus,
    SchoolAdminRegistration,
    StaffRegistration,
)
from accounts.rules import ADMIN_ROLES, OFFICE_ROLES, OrgKind, Role
from core import kept

from .models import (
    CertificationRound,
    CertificationStatus,
    CorrectionRequest,
    CorrectionStatus,
    LaoCertification,
    MoveRequest,
    MoveStatus,
)
from .services import CERTIFYING_ROLES, IN_FORCE, VERIFYING_ROLES

STEP = Organization.steplen


def _count(qs) -> Coalesce:
    """``SELECT COUNT(*)`` of ``qs`` as a scalar subquery (0 for no rows)."""
    counted = (qs.order_by().annotate(_one=Value(1)).values("_one")
               .annotate(n=Count("pk")).values("n")[:1])
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _missing_admins(org: Organization):
    below = Organization.objects.filter(path__startswith=org.path, depth__gt=org.depth,
                                        is_active=True)
    parts = Q()
    for kind, role in issuing.ISSUED_ROLE.items():
        parts |= Q(kind=kind) & ~Exists(Membership.objects.filter(
            organization=OuterRef("pk"), role=role, is_active=True))
    return below.filter(parts)


def waiting_counts(membership) -> dict[str, int]:
    """The queues ``membership``'s role acts on → how many items wait under its unit (one
    query; an empty dict for a role that acts on none)."""
    org, role = membership.organization, membership.role
    under = org.path
    counts = {}
    if role in ADMIN_ROLES:
        counts["staff_registrations"] = _count(StaffRegistration.objects.filter(
            status=RegistrationStatus.PENDING, school__path__startswith=under))
        if org.kind != OrgKind.SCHOOL:
            counts["school_admin_requests"] = _count(SchoolAdminRegistration.objects.filter(
                status=RegistrationStatus.PENDING, school__path__startswith=under,
                school__depth__gt=org.depth))
    if role in ADMIN_ROLES | OFFICE_ROLES:
        counts["corrections"] = _count(CorrectionRequest.objects.filter(
            status=CorrectionStatus.PENDING, person__organization__path__startswith=under))
        counts["moves"] = _count(MoveRequest.objects.filter(
            status=MoveStatus.PENDING, from_organization__path__startswith=under))
    if org.kind == OrgKind.LAO and role in CERTIFYING_ROLES:
        counts["certification"] = _count(CertificationRound.objects.filter(
            province__path=under[: 2 * STEP]).exclude(Exists(LaoCertification.objects.filter(
                round=OuterRef("pk"), lao=org, status__in=IN_FORCE))))
    elif org.kind == OrgKind.PROVINCE and role in VERIFYING_ROLES:
        counts["certification"] = _count(LaoCertification.objects.filter(
            round__province=org, status=CertificationStatus.CERTIFIED))
    if role in (Role.PROVINCE_ADMIN, Role.LAO_ADMIN):
        counts["issuing"] = _count(_missing_admins(org))
    if not counts:
        return {}
    return Organization.objects.filter(pk=org.pk).annotate(**counts).values(*counts).get()


# queue → (label, url name); in the order the card lists them
QUEUES = {
    "staff_registrations": (lambda: _("ลงทะเบียนบุคลากรรออนุมัติ"), "staff_registrations"),
    "school_admin_requests": (lambda: _("คำขอเป็นผู้ดูแลสถานศึกษารออนุมัติ"),
                              "school_admin_requests"),
    "corrections": (lambda: _("คำขอแก้ไขข้อมูล ก.พ.7 รอพิจารณา"), "corrections"),
    "moves": (lambda: _("คำขอย้ายข้อมูลบุคลากรรอพิจารณา"), "moves"),
    "certification": (lambda: _("การรับรองข้อมูลบุคลากร"), "certification_index"),
    "issuing": (lambda: _("หน่วยงานที่ยังไม่มีบัญชีผู้ดูแล (ออกบัญชีผู้ใช้)"), "issuing_start"),
}


def queues_panel(user, membership) -> Panel | None:
    """The card's "งานรอดำเนินการ": every queue the role acts on, with its count."""
    role = membership.role
    counts = kept_figure(kept.QUEUES, "queues", membership, lambda: waiting_counts(membership))
    items = [PanelItem(label=label(), value=counts[key], url=reverse(name), key=key,
                       waiting=True)
             for key, (label, name) in QUEUES.items() if key in counts]
    if role == Role.DLA_ADMIN:  # the whole country lacks too many to count at each visit
        items.append(PanelItem(label=_("ออกบัญชีผู้ใช้ผู้ดูแลหน่วยงาน"),
                               url=reverse("issuing_start"), key="issuing"))
    if role in ADMIN_ROLES:
        items.append(PanelItem(label=_("บันทึกการดำเนินการ (audit)"), url=reverse("audit_log"),
                               key="audit"))
    if not items:
        return None
    return Panel(title=_("งานรอดำเนินการ"), items=items, key="queues")


# --- What moves the kept counts on ---------------------------------------------------------------

def queues_changed(paths) -> None:
    """Rows some queue counts changed in the organisations at ``paths``."""
    kept.changed(kept.QUEUES, [path for path in paths if path])


def _paths_of(instance) -> list[str]:
    """The organisations a counted row sits under (each model's own)."""
    if isinstance(instance, (StaffRegistration, SchoolAdminRegistration)):
        return [instance.school.path] if instance.school_id else []
    if isinstance(instance, CorrectionRequest):
        return [instance.person.organization.path]
    if isinstance(instance, MoveRequest):
        return [org.path for org in (instance.from_organization, instance.to_organization)
                if org is not None]
    if isinstance(instance, CertificationRound):
        return [instance.province.path]
    if isinstance(instance, LaoCertification):
        return [instance.lao.path]
    if isinstance(instance, Membership):
        return [instance.organization.path]
    if isinstance(instance, Organization):
        return [instance.path]
    return []


def _row_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        queues_changed(_paths_of(instance))


COUNTED = (StaffRegistration, SchoolAdminRegistration, CorrectionRequest, MoveRequest,
           CertificationRound, LaoCertification, Membership, Organization)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in COUNTED:
        name = model._meta.label_lower
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"queues.kept.save.{name}")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"queues.kept.del.{name}")
