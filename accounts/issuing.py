"""Credential issuing (RULES.md §1, seed 000): the admins above create the missing admin accounts
of the organisations below them, each with a one-time password, and hand them out as cut-out
slips (PDF) and a list (Excel).

Who may issue for whom: an admin issues for the organisations *strictly below* the one where it
holds its admin role: the DLA admin for every province, LAO and school; a province admin inside
its province; an LAO admin for its schools only (never for its own LAO or above). A school admin
has nothing below it and issues nothing.

Which accounts are "missing": every active province, LAO and school in the chosen subtree whose
own admin role (province → province admin, LAO → LAO education admin, school → school admin;
see ``ISSUED_ROLE``) has no active membership. Districts and the DLA itself get none.

Usernames are stable and readable: a prefix for the role and the organisation's code, lower
case, letters and digits only: ``prv48`` (province 48), ``lao5480101`` (LAO 5480101),
``sch1048010001`` (school 1048010001). When that name is already taken (an earlier admin whose
role was later revoked), ``-2``, ``-3``… is appended.

One-time passwords: ``PASSWORD_LENGTH`` characters drawn with ``secrets`` from an alphabet
without look-alikes (no 0/O, 1/l/I, and no capitals that differ from their small letter only
in size), about 67 bits. They exist in plain text only in memory while the job runs and in the
two output files; the database keeps the hash (the production hasher, PBKDF2) and
``must_change_password``, so that the first login leads straight to the password change.

The work runs in a Celery task (``accounts.tasks.issue_credentials`` → :func:`run_job`):
hashing is deliberately slow (~0.25 s a password), so hundreds of accounts take a while. The
hashes are computed on all cores in threads (hashlib releases the GIL; a Celery prefork child
may not start processes) and the progress is written as each account is ready; then, in one
transaction, the accounts are created (the "missing" check repeated under lock) together with
the documents, so that an account never exists without the slip that carries its password.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial, reduce
from operator import or_

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit, scoping, tokens
from .exceptions import NotAllowed
from .models import IssuingJob, JobStatus, Membership, Organization, User
from .rules import OrgKind, Role

logger = logging.getLogger(__name__)

# The admin role each kind of organisation gets (RULES.md §1; ROLE_ORG_KINDS).
ISSUED_ROLE = {
    OrgKind.PROVINCE: Role.PROVINCE_ADMIN,
    OrgKind.LAO: Role.LAO_ADMIN,
    OrgKind.SCHOOL: Role.SCHOOL_ADMIN,
}
USERNAME_PREFIX = {Role.PROVINCE_ADMIN: "prv", Role.LAO_ADMIN: "lao", Role.SCHOOL_ADMIN: "sch"}
# Roles whose holders issue credentials to the organisations below theirs (seed 000).
ISSUER_ROLES = frozenset({Role.DLA_ADMIN, Role.PROVINCE_ADMIN, Role.LAO_ADMIN})

# No 0 O o, 1 l I i, and no capital whose small letter looks the same but smaller (C c, K k…).
PASSWORD_ALPHABET = "23456789" + "abcdefghjkmnpqrstuvwxyz" + "ABDEFGHJLMNQRTY"
PASSWORD_LENGTH = 12
# Progress is written as the accounts are prepared: after every account, or every
# ``total // PROGRESS_WRITES`` accounts for a big job (at most about that many small UPDATEs).
PROGRESS_WRITES = 50
# The issuing page offers organisations down to this many levels below the issuer's own; single
# schools further down are reached from their organisation page.
DROPDOWN_DEPTH = 2

SLIP_COLUMNS, SLIP_ROWS = 2, 4
SLIPS_PER_PAGE = SLIP_COLUMNS * SLIP_ROWS



def login_url() -> str:
    return settings.PORTAL_URL.rstrip("/") + "/login/"


def generate_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


# --- who may issue for whom ---------------------------------------------------------------------

def _issuer_paths(user) -> tuple[str, ...] | None:
    """Paths of the organisations whose *strict* subtrees ``user`` issues for; None = all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    if user.is_superuser:
        return None
    cache = user.__dict__.setdefault("_reach_cache", {})  # dropped by scoping.forget()
    if "issuer_paths" not in cache:
        cache["issuer_paths"] = tuple(sorted(set(
            Membership.objects.filter(user=user, is_active=True, role__in=ISSUER_ROLES)
            .values_list("organization__path", flat=True)
        )))
    return cache["issuer_paths"]


def _below(paths, *, inclusive: bool) -> Q:
    if paths is None:
        return Q()
    parts = [Q(path__startswith=p) if inclusive else Q(path__startswith=p) & ~Q(path=p)
             for p in paths]
    return reduce(or_, parts) if parts else Q(pk__in=[])


def may_issue_for(user, org: Organization) -> bool:
    """Whether ``user`` may create or re-issue the admin account of ``org``."""
    paths = _issuer_paths(user)
    if org.kind not in ISSUED_ROLE:
        return False
    return paths is None or any(org.path.startswith(p) and org.path != p for p in paths)


def may_start_at(user, org: Organization) -> bool:
    """Whether ``user`` may start issuing for ``org``'s subtree (its own unit included: a
    province admin issues for its whole province, the province's own account aside)."""
    paths = _issuer_paths(user)
    return paths is None or any(org.path.startswith(p) for p in paths)


def startable_organizations(user):
    """The organisations whose subtrees ``user`` may issue for (any depth)."""
    paths = _issuer_paths(user)
    if paths == ():
        return Organization.objects.none()
    return Organization.objects.filter(_below(paths, inclusive=True))


def dropdown_organizations(user):
    """What the issuing page offers: the issuer's units and two levels below them, by path."""
    paths = _issuer_paths(user)
    qs = startable_organizations(user)
    if paths:
        steplen = Organization.steplen
        qs = qs.filter(reduce(or_, (
            Q(path__startswith=p, depth__lte=len(p) // steplen + DROPDOWN_DEPTH) for p in paths
        )))
    elif paths is None:
        qs = qs.filter(depth__lte=1 + DROPDOWN_DEPTH)
    return qs.filter(is_active=True).order_by("path")


def _check_start(actor, organization: Organization) -> None:
    if actor is None or not scoping.can_see(actor, organization):
        raise NotAllowed(_("ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    if not may_start_at(actor, organization):
        raise NotAllowed(_(
            "คุณไม่มีสิทธิ์ออกบัญชีผู้ใช้ให้หน่วยงานนี้ "
            "(ออกได้เฉพาะหน่วยงานในสังกัดที่อยู่ต่ำกว่าหน่วยงานของคุณ)"
        ))


# --- what is issued -----------------------------------------------------------------------------

@dataclass
class Entry:
    """One account on the slips: a new admin account, or a new password for an existing one."""

    organization: Organization
    role: str
    username: str
    user: User | None = None  # set for a re-issue
    password: str = ""
    hashed: str = ""


def _admin_role_case():
    return Case(*(When(kind=kind, then=Value(role.value)) for kind, role in ISSUED_ROLE.items()),
                default=Value(""))


def missing_admin_organizations(actor, organization: Organization):
    """The organisations in ``organization``'s subtree that lack their admin and that ``actor``
    may issue for, in tree order (so the slips come out grouped by LAO)."""
    has_admin = Membership.objects.filter(
        organization=OuterRef("pk"), role=OuterRef("admin_role"), is_active=True
    )
    return (
        Organization.objects.filter(
            path__startswith=organization.path, is_active=True, kind__in=list(ISSUED_ROLE),
        )
        .filter(_below(_issuer_paths(actor), inclusive=False))
        .annotate(admin_role=_admin_role_case())
        .filter(~Exists(has_admin))
        .order_by("path")
    )


def base_username(org: Organization, role: str) -> str:
    code = re.sub(r"[^a-z0-9]", "", org.code.lower()) or str(org.pk)
    return USERNAME_PREFIX[Role(role)] + code


def _existing_usernames(names) -> set[str]:
    names = list(names)
    found: set[str] = set()
    for start in range(0, len(names), 500):  # SQLite limits the variables of one query
        found |= set(User.objects.filter(username__in=names[start:start + 500])
                     .values_list("username", flat=True))
    return found


def _assign_usernames(entries: list[Entry]) -> None:
    """``base``, or ``base-2``, ``base-3``… when taken (by a user or by an earlier entry)."""
    for entry in entries:
        entry.username = base_username(entry.organization, entry.role)
    taken = _existing_usernames({e.username for e in entries})
    for base in list(taken):
        taken |= set(User.objects.filter(username__startswith=f"{base}-")
                     .values_list("username", flat=True))
    for entry in entries:
        base, n = entry.username, 1
        while entry.username in taken:
            n += 1
            entry.username = f"{base}-{n}"
        taken.add(entry.username)


def _new_entries(actor, organization: Organization) -> list[Entry]:
    entries = [
        Entry(organization=org, role=org.admin_role, username="")
        for org in missing_admin_organizations(actor, organization)
    ]
    _assign_usernames(entries)
    return entries


def _not_an_admin_here() -> ValidationError:
    return ValidationError(
        _("บัญชีนี้ไม่ใช่บัญชีผู้ดูแลของหน่วยงานที่เลือกหรือหน่วยงานในสังกัด"), code="not_admin"
    )


def reissue_entry(actor, organization: Organization, user: User) -> Entry:
    """Check that ``actor`` may give ``user`` a new one-time password, as the admin of an
    organisation in ``organization``'s subtree; the entry for it."""
    not_here = _not_an_admin_here()
    if user is None or not user.is_active:
        raise not_here
    memberships = list(
        Membership.objects.filter(user=user, is_active=True).select_related("organization")
    )
    admin = next((
        m for m in sorted(memberships, key=lambda m: m.organization.path)
        if m.organization.path.startswith(organization.path)
        and ISSUED_ROLE.get(m.organization.kind) == m.role
    ), None)
    if admin is None:
        raise not_here
    if user.pk == actor.pk:
        raise ValidationError(_("ออกรหัสผ่านใหม่ให้บัญชีของตนเองไม่ได้ กรุณาใช้หน้าเปลี่ยนรหัสผ่าน"))
    if not may_issue_for(actor, admin.organization):
        raise NotAllowed(_("คุณไม่มีสิทธิ์ออกรหัสผ่านใหม่ให้ผู้ดูแลของหน่วยงานนี้"))
    # A new password gives whoever holds the slip everything the account may do: every role
    # of the account must lie where the actor issues (or, for staff, administers).
    escalates = (user.is_superuser or user.is_staff) and not actor.is_superuser
    for m in memberships:
        if m.role in (Role.STAFF,):
            allowed = scoping.can_administer(actor, m.organization)
        else:
            allowed = (
                m.organization.kind in ISSUED_ROLE and may_issue_for(actor, m.organization)
                and (m.role == ISSUED_ROLE[m.organization.kind]
                     or scoping.can_administer(actor, m.organization))
            )
        escalates = escalates or not allowed
    if escalates:
        raise NotAllowed(_(
            "บัญชีนี้มีบทบาทในหน่วยงานที่อยู่นอกสิทธิ์ของคุณ จึงออกรหัสผ่านใหม่ให้ไม่ได้"
        ))
    return Entry(organization=admin.organization, role=admin.role, username=user.username,
                 user=user)


def find_reissue_user(username: str) -> User:
    """The account named ``username``; an unknown name gets the same answer as an account that
    is not an admin where the actor issues, so that names cannot be probed."""
    user = User.objects.filter(username=(username or "").strip()).first() if username else None
    if user is None:
        raise _not_an_admin_here()
    return user


def reissuable_user_ids(actor, org: Organization) -> set[int]:
    """The admins of ``org`` whom ``actor`` may give a new one-time password (the buttons on
    the organisation's page; the service checks again)."""
    role = ISSUED_ROLE.get(org.kind)
    if role is None or not may_issue_for(actor, org):
        return set()
    ids = set()
    for membership in Membership.objects.filter(organization=org, role=role, is_active=True
                                                ).select_related("user"):
        try:
            reissue_entry(actor, org, membership.user)
        except (ValidationError, NotAllowed):
            continue
        ids.add(membership.user_id)
    return ids


# --- the service --------------------------------------------------------------------------------

@transaction.atomic
def start_issuing(*, actor, organization: Organization, reissue_user: User | None = None,
                  ) -> IssuingJob:
    """Queue the issuing of the missing admin accounts of ``organization``'s subtree, or of a
    new one-time password for ``reissue_user`` (an admin account in that subtree)."""
    _check_start(actor, organization)
    if reissue_user is not None:
        reissue_entry(actor, organization, reissue_user)  # refuses what may not be re-issued
        total = 1
    else:
        total = missing_admin_organizations(actor, organization).count()
        if not total:
            raise ValidationError(
                _("หน่วยงานนี้และหน่วยงานในสังกัดมีผู้ดูแลครบแล้ว ไม่มีบัญชีที่ต้องออก"),
                code="nothing_missing",
            )
    if IssuingJob.objects.filter(
        requested_by=actor, organization=organization, reissue_user=reissue_user,
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
    ).exists():
        raise ValidationError(
            _("มีงานออกบัญชีเดียวกันนี้กำลังดำเนินการอยู่ กรุณารอให้เสร็จก่อน"), code="duplicate"
        )
    job = IssuingJob.objects.create(organization=organization, requested_by=actor,
                                    reissue_user=reissue_user, total=total)
    audit.record(
        "issuing.start", actor=actor, target=job, organization=organization, total=total,
        reissue_user_id=reissue_user.pk if reissue_user else None,
    )
    transaction.on_commit(partial(_queue, job.pk))
    return job


def _queue(job_id: int) -> None:
    """The job needs the worker: with the broker away it fails at once (so that the same job
    can be started again later) and the page answers a Thai 503
    (core.middleware.QueueUnavailableMiddleware)."""
    from core.middleware import queue_errors

    from .tasks import issue_credentials

    try:
        issue_credentials.apply_async((job_id,), retry=False)
    except queue_errors():
        IssuingJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED, finished_at=timezone.now(),
            error=_("ระบบคิวงานขัดข้อง ยังไม่ได้ออกบัญชี กรุณาสั่งใหม่อีกครั้ง"))
        raise


def jobs_for(user):
    """The jobs ``user`` requested: only the requester sees a job and its files."""
    if not getattr(user, "is_authenticated", False):
        return IssuingJob.objects.none()
    return IssuingJob.objects.filter(requested_by=user).select_related("organization")


# --- the task's work ----------------------------------------------------------------------------

class JobError(Exception):
    """A reason, in Thai, to stop a job (shown on the job's page)."""


def run_job(job_id: int) -> None:
    """Do one job. Idempotent: a job already finished (done or failed) is left alone, and a job
    run twice (a redelivered message) creates its accounts once."""
    job = (IssuingJob.objects.select_related("organization", "requested_by", "reissue_user")
           .filter(pk=job_id).first())
    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
        return
    with translation.override("th"):  # official documents are always in Thai
        try:
            _run(job)
        except Exception as exc:  # the requester sees a reason, the log keeps the details
            if isinstance(exc, JobError | NotAllowed):
                message = str(exc)
            elif isinstance(exc, ValidationError):
                message = " ".join(exc.messages)
            else:
                logger.exception("issuing job %s failed", job_id)
                message = _("ออกบัญชีไม่สำเร็จเพราะเกิดข้อผิดพลาดในระบบ (%(error)s) "
                            "ไม่มีบัญชีใดถูกสร้างหรือเปลี่ยนรหัสผ่าน กรุณาลองใหม่อีกครั้ง "
                            "หรือแจ้งผู้ดูแลระบบ") % {"error": type(exc).__name__}
            IssuingJob.objects.filter(pk=job_id).exclude(status=JobStatus.DONE).update(
                status=JobStatus.FAILED, error=message, finished_at=timezone.now()
            )


def _run(job: IssuingJob) -> None:
    IssuingJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    actor = job.requested_by
    scoping.forget(actor)
    # Re-check with today's memberships: the requester may have lost the role since.
    if not actor.is_active:
        raise JobError(_("บัญชีของผู้สั่งออกถูกระงับแล้ว"))
    _check_start(actor, job.organization)
    entries = _plan(actor, job)
    IssuingJob.objects.filter(pk=job.pk).update(total=len(entries), done=0)
    for entry in entries:
        entry.password = generate_password()
    _hash(job, entries)
    documents = _documents(job, entries)
    final: list[Entry] = []
    try:
        with transaction.atomic():
            locked = IssuingJob.objects.select_for_update().get(pk=job.pk)
            if locked.status == JobStatus.RUNNING:  # else another run of this job finished it
                final = _still_to_issue(actor, job, entries)
                if final != entries:
                    _delete(documents)
                    documents = _documents(job, final)
                _write_accounts(actor, job, final)
                locked.pdf.name, locked.xlsx.name = documents
                locked.status = JobStatus.DONE
                locked.total = locked.done = len(final)
                locked.error = ""
                locked.finished_at = timezone.now()
                locked.save()
                audit.record("issuing.done", actor=actor, target=locked,
                             organization=job.organization, accounts=len(final))
    except BaseException:
        _delete(documents)
        raise
    if not final:
        _delete(documents)


def _plan(actor, job: IssuingJob) -> list[Entry]:
    if job.reissue_user_id:
        return [reissue_entry(actor, job.organization, job.reissue_user)]
    return _new_entries(actor, job.organization)


def _hash(job: IssuingJob, entries: list[Entry]) -> None:
    """Hash the one-time passwords on all cores; ``done`` moves as each account is ready (the
    progress bar of the job's page reads it), not once at the end."""
    workers = max(1, min(os.cpu_count() or 1, 8))
    step = max(1, len(entries) // PROGRESS_WRITES)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # map() yields in order, each result as soon as it (and those before it) are hashed
        hashes = pool.map(make_password, [e.password for e in entries])
        for count, (entry, hashed) in enumerate(zip(entries, hashes, strict=True), start=1):
            entry.hashed = hashed
            if count % step == 0 or count == len(entries):
                record_progress(job.pk, count)


def record_progress(job_id: int, done: int) -> None:
    """The job's page polls this count (``issuing_views.issuing_progress``)."""
    IssuingJob.objects.filter(pk=job_id).update(done=done)


def _still_to_issue(actor, job: IssuingJob, entries: list[Entry]) -> list[Entry]:
    """The entries that still hold inside the transaction (another job may have issued some of
    these accounts meanwhile, or someone may have taken a username)."""
    if job.reissue_user_id:
        user = User.objects.get(pk=job.reissue_user_id)
        fresh = reissue_entry(actor, job.organization, user)  # raises if no longer allowed
        fresh.password, fresh.hashed = entries[0].password, entries[0].hashed
        return [fresh]
    # Lock the candidate organisations first (PostgreSQL; SQLite already holds the write lock),
    # in path order, then ask again which lack their admin: a job that ran meanwhile has
    # committed by then, so two jobs never both give one organisation an admin.
    list(Organization.objects.select_for_update()
         .filter(path__startswith=job.organization.path, kind__in=list(ISSUED_ROLE))
         .order_by("path").values_list("pk", flat=True))
    still_missing = set(
        missing_admin_organizations(actor, job.organization).values_list("pk", flat=True)
    )
    final = [replace(e) for e in entries if e.organization.pk in still_missing]
    _assign_usernames(final)
    return final


def _write_accounts(actor, job: IssuingJob, entries: list[Entry]) -> None:
    for entry in entries:
        if entry.user is not None:
            User.objects.filter(pk=entry.user.pk).update(password=entry.hashed,
                                                         must_change_password=True)
            # A token made with the old password must not outlive it (a bulk update sends no
            # signal for accounts.tokens to hear).
            tokens.revoke_all(entry.user, reason="password_reissue", actor=actor)
            audit.record("issuing.password_reissue", actor=actor, target=entry.user,
                         organization=entry.organization, role=entry.role, job=job.pk)
            continue
        user = User.objects.create(username=entry.username, password=entry.hashed,
                                   must_change_password=True)
        Membership.objects.create(user=user, organization=entry.organization, role=entry.role)
        entry.user = user
        audit.record("issuing.account_create", actor=actor, target=user,
                     organization=entry.organization, role=entry.role, username=user.username,
                     job=job.pk)


def _documents(job: IssuingJob, entries: list[Entry]) -> tuple[str, str]:
    """Write the slips and the list to storage; their names (hashed paths)."""
    if not entries:
        return "", ""
    storage = job.pdf.storage
    pdf_name = storage.save(job.pdf.field.generate_filename(job, "slips.pdf"),
                            ContentFile(slips_pdf(entries)))
    try:
        xlsx_name = storage.save(job.xlsx.field.generate_filename(job, "list.xlsx"),
                                 ContentFile(accounts_workbook(entries)))
    except BaseException:
        storage.delete(pdf_name)
        raise
    return pdf_name, xlsx_name


def _delete(names) -> None:
    storage = IssuingJob._meta.get_field("pdf").storage
    for name in names:
        if name:
            storage.delete(name)


# --- the documents ------------------------------------------------------------------------------

PAGE_MARGIN = 10.0  # mm
SLIP_PAD = 4.0
QR_SIZE = 26.0
CUT_COLOR = (110, 110, 110)
INSTRUCTION = "เข้าสู่ระบบแล้วต้องเปลี่ยนรหัสผ่านทันที"
CONFIDENTIAL_NOTE = "เก็บใบนี้เป็นความลับ ห้ามให้ผู้อื่นใช้บัญชีนี้"


def _role_label(role: str) -> str:
    return str(Role(role).label)


def slips_pdf(entries: list[Entry]) -> bytes:
    """Cut-out slips on A4, ``SLIPS_PER_PAGE`` to a page, in the order of ``entries``."""
    from core.pdf import ThaiPDF, to_bytes

    pdf = ThaiPDF(margins=(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN))
    pdf.set_auto_page_break(auto=False)
    pdf.set_title("ใบแจ้งบัญชีผู้ใช้ D-LEP")
    url = login_url()
    slip_w = (pdf.w - 2 * PAGE_MARGIN) / SLIP_COLUMNS
    slip_h = (pdf.h - 2 * PAGE_MARGIN) / SLIP_ROWS
    total = len(entries)
    for index, entry in enumerate(entries):
        cell = index % SLIPS_PER_PAGE
        if cell == 0:
            pdf.add_page()
        row, col = divmod(cell, SLIP_COLUMNS)
        x = PAGE_MARGIN + col * slip_w
        y = PAGE_MARGIN + row * slip_h
        _cut_lines(pdf, x, y, slip_w, slip_h, cell, index, total)
        _slip(pdf, entry, x, y, slip_w, url, f"{index + 1}/{total}")
    return to_bytes(pdf)


def _cut_lines(pdf, x, y, w, h, cell, index, total) -> None:
    """Dashed cut lines: each slip draws its top and left edges, and its right and bottom edges
    where no slip follows, so that a shared edge is one line, not two."""
    col = cell % SLIP_COLUMNS
    right_neighbour = col + 1 < SLIP_COLUMNS and index + 1 < total
    below_neighbour = cell + SLIP_COLUMNS < SLIPS_PER_PAGE and index + SLIP_COLUMNS < total
    with pdf.local_context(dash_pattern={"dash": 2, "gap": 1.5}, line_width=0.2,
                           draw_color=CUT_COLOR):
        pdf.line(x, y, x + w, y)
        pdf.line(x, y, x, y + h)
        if not right_neighbour:
            pdf.line(x + w, y, x + w, y + h)
        if not below_neighbour:
            pdf.line(x, y + h, x + w, y + h)


def _slip(pdf, entry: Entry, x, y, w, url, number) -> None:
    from core.pdf import FONT_FAMILY, draw_qr

    left = x + SLIP_PAD
    inner_w = w - 2 * SLIP_PAD
    text_w = inner_w - QR_SIZE - 2
    label_w = 27
    org = entry.organization

    pdf.set_text_color(110, 110, 110)
    pdf.set_font(FONT_FAMILY, "", 8)
    pdf.set_xy(left, y + SLIP_PAD - 1)
    pdf.cell(inner_w, 4, f"D-LEP · ใบแจ้งบัญชีผู้ใช้ · ใบที่ {number}")
    pdf.set_text_color(0, 0, 0)

    pdf.set_xy(left, y + SLIP_PAD + 3.5)
    _paragraph(pdf, org.name, text_w, style="B", size=11, line_h=5.2)
    pdf.set_font(FONT_FAMILY, "", 9)
    pdf.set_x(left)
    pdf.cell(text_w, 4.6, f"รหัสหน่วยงาน {org.code}", new_x="LEFT", new_y="NEXT")
    _paragraph(pdf, _role_label(entry.role), text_w, style="", size=9, line_h=4.6)

    draw_qr(pdf, url, x=x + w - SLIP_PAD - QR_SIZE, y=y + SLIP_PAD + 2, size_mm=QR_SIZE)

    # The credentials in Courier: fixed width, and the alphabet has no look-alikes.
    top = y + SLIP_PAD + 31
    pdf.set_xy(left, top)
    pdf.set_font(FONT_FAMILY, "", 9.5)
    pdf.cell(label_w, 6.5, "ชื่อผู้ใช้:")
    _fitted_cell(pdf, entry.username, inner_w - label_w, 6.5, family="Courier", style="B",
                 size=12)
    pdf.set_xy(left, top + 7.5)
    pdf.set_font(FONT_FAMILY, "", 9.5)
    pdf.cell(label_w, 8, "รหัสผ่านครั้งแรก:")
    pdf.set_font("Courier", "B", 15)
    pdf.cell(inner_w - label_w, 8, entry.password)

    pdf.set_xy(left, top + 17)
    pdf.set_font(FONT_FAMILY, "", 9)
    pdf.cell(label_w, 5, "เข้าสู่ระบบที่:")
    _fitted_cell(pdf, url, inner_w - label_w, 5, family=FONT_FAMILY, style="", size=9)
    pdf.set_xy(left, top + 22.5)
    pdf.set_font(FONT_FAMILY, "B", 9.5)
    pdf.cell(inner_w, 5, pdf.format_text(INSTRUCTION))
    pdf.set_xy(left, top + 27)
    pdf.set_font(FONT_FAMILY, "", 8.5)
    pdf.cell(inner_w, 4.5, pdf.format_text(CONFIDENTIAL_NOTE))


def _paragraph(pdf, text, width, *, style, size, line_h, max_lines=2) -> None:
    """At most ``max_lines`` lines from the current position, wrapped between Thai words; the
    font shrinks (down to 7 pt) before the text is cut."""
    from core.pdf import FONT_FAMILY

    text = pdf.format_text(text)
    left = pdf.x
    while True:
        pdf.set_font(FONT_FAMILY, style, size)
        lines = pdf.multi_cell(width, line_h, text, align="L", dry_run=True, output="LINES")
        if len(lines) <= max_lines or size <= 7:
            break
        size -= 0.5
    if len(lines) > max_lines:
        text = "".join(lines[:max_lines]).rstrip() + "…"
    pdf.multi_cell(width, line_h, text, align="L", max_line_height=line_h, new_x="LEFT",
                   new_y="NEXT")
    pdf.set_x(left)


def _fitted_cell(pdf, text, width, height, *, family, style, size) -> None:
    """One line that shrinks to fit ``width`` (a long portal address, a long username)."""
    pdf.set_font(family, style, size)
    while pdf.get_string_width(text) > width and size > 6:
        size -= 0.5
        pdf.set_font(family, style, size)
    pdf.cell(width, height, text)


XLSX_HEADERS = ("ลำดับ", "รหัสหน่วยงาน", "ชื่อหน่วยงาน", "บทบาท", "ชื่อผู้ใช้", "รหัสผ่านครั้งแรก")


def accounts_workbook(entries: list[Entry]) -> bytes:
    """The same accounts as the slips, in the same order, one row each (core.spreadsheets: a
    name starting with "=" is no formula; prints on A4)."""
    from openpyxl import Workbook

    from core import spreadsheets

    book = Workbook(write_only=True)
    sheet = book.create_sheet("บัญชีผู้ใช้")
    spreadsheets.print_layout(sheet, header_rows=1, landscape=True,
                              widths=(8, 16, 50, 40, 20, 20))
    sheet.freeze_panes = "A2"
    sheet.append(spreadsheets.row(sheet, XLSX_HEADERS, bold=True, fill="DDEBF7", table=True))
    for number, entry in enumerate(entries, start=1):
        sheet.append(spreadsheets.row(sheet, (
            number, entry.organization.code, entry.organization.name, _role_label(entry.role),
            entry.username, entry.password), table=True, wrap=False))
    return spreadsheets.to_bytes(book)
