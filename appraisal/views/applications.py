"""Pages of the application path (seed 004 steps 1–2). Thin: parse, call a service or a
selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Concat
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from markupsafe import Markup

from accounts import scoping
from accounts.exceptions import NotAllowed
from accounts.models import Organization
from accounts.rules import OrgKind, Role
from appraisal import history, rules, selectors
from appraisal.choices import ApplicationState, CheckKind, EvidenceSlot
from appraisal.forms.applications import (
    ApplicationForm,
    CertifyForm,
    CheckForm,
    CheckRowForm,
    QueueFilterForm,
    ReasonForm,
    SubmitForm,
)
from appraisal.models import Application, QualificationCheck
from appraisal.services import applications as services
from appraisal.services import checks
from core import kept
from core.html import table_rows
from core.search import private_search, search_params
from core.templatetags.thai import thai_date
from core.views import show_errors
from personnel.choices import AcademicStanding
from personnel.models import Person

PAGE_SIZE = 50



def _application_ornot_found(user, pk) -> Application:
    try:
        return selectors.application_for(user, pk)
    except Application.DoesNotExist:
        raise Http404(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None


@login_required
def appraisal_home(request):
    """The teacher's own requests; a link to the office's list for those who work on others'."""
    person = selectors.own_person(request.user)
    return render(request, "appraisal/home.html", {
        "person": person,
        "applications": selectors.own_applications(request.user),
        "works_on_others": not scoping.reach(request.user, scoping.Access.WORK).nothing,
    })


@login_required
def application_new(request):
    person = selectors.own_person(request.user)
    if person is None:
        raise Http404(_("บัญชีนี้ยังไม่ได้ผูกกับข้อมูลในทะเบียนบุคลากร"))
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(actor=request.user, person=person,
                                                      **form.cleaned_data)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("สร้างคำขอแล้ว กรุณาแนบไฟล์หลักฐานแล้วกดยื่นคำขอ"))
            return redirect("application_detail", application.pk)
    requested = rules.next_standing(person.standing)
    return render(request, "appraisal/application_form.html", {
        "form": form, "person": person, "requested": requested,
        "requested_label": AcademicStanding(requested).label if requested else "",
    })


def _roles(user, application: Application) -> dict:
    """What ``user`` may do on this application now (buttons shown; services check again)."""
    office_kinds = services.OFFICE_KINDS
    state = application.state
    is_applicant = application.person.user_id == user.pk
    work = scoping.can_work_on(user, application.organization)
    return {
        "applicant": is_applicant,
        "edit": is_applicant and application.is_editable,
        "school": work and state == "submitted" and scoping.holds_role_at(
            user, application.organization, {Role.SCHOOL_ADMIN}, {OrgKind.SCHOOL}),
        "officer": work and state == "at_office" and scoping.holds_role_at(
            user, application.office, {Role.OFFICER}, office_kinds),
        "head": work and state == "at_office" and scoping.holds_role_at(
            user, application.office, {Role.GROUP_HEAD}, office_kinds),
        "director": work and state == "at_office" and scoping.holds_role_at(
            user, application.office, {Role.LAO_ADMIN}, {OrgKind.LAO}),
    }


@login_required
def application_detail(request, pk):
    application = _application_ornot_found(request.user, pk)
    can = _roles(request.user, application)
    form = None
    if can["edit"]:
        form = ApplicationForm(request.POST or None, initial={
            "classroom_type": application.classroom_type,
            "subject_area": application.subject_area_id,
            "work_title": application.work_title,
            "shorten_ground": application.shorten_ground,
        })
        if request.method == "POST" and form.is_valid():
            try:
                services.update_application(actor=request.user, application=application,
                                            **form.cleaned_data)
            except ValidationError as error:
                show_errors(request, error)
            else:
                messages.success(request, _("บันทึกคำขอแล้ว"))
                return redirect("application_detail", application.pk)
    elif request.method == "POST":
        raise NotAllowed()
    return render(request, "appraisal/application_detail.html",
                  _detail_context(request, application, can, form=form))


def _detail_context(request, application: Application, can: dict, *, form=None,
                    check_forms=None) -> dict:
    files = list(application.files.all())
    person = checks.load_person(application.person_id)
    preview = None
    if (application.is_editable and can["applicant"]) or can["school"]:
        # what the system already thinks will fail: the teacher before submitting (issue 5
        # item 2), the school director before certifying
        preview = checks.automatic_checks(application, application.filed_on
                                          if can["school"] and application.filed_on
                                          else timezone.localdate(), person)
    rounds = {}
    for check in application.checks.all():
        rounds.setdefault(check.round_no, []).append(check)
    current = rounds.pop(application.round_no, [])
    level = "officer" if can["officer"] else "head" if can["head"] else None
    if level and check_forms is None:
        check_forms = {c.kind: CheckRowForm(prefix=c.kind, initial={
            "passed": {True: "1", False: "0"}.get(getattr(c, f"{level}_passed")),
            "note": getattr(c, f"{level}_note")}) for c in current}
    return {
        "application": application, "can": can, "form": form,
        "files": files, "editable": can["edit"],
        "snapshot": application.snapshot or checks.applicant_snapshot(person, application),
        "preview": preview, "preview_failed": [c for c in preview or () if not c.verdict.passed],
        "current_checks": current,
        "check_rows": [(c, check_forms[c.kind]) for c in current] if level else [],
        "check_level": level,
        "earlier_rounds": sorted(rounds.items(), reverse=True),
        "events": history.history_for(request.user, application),
        "check_form": CheckForm(), "reason_form": ReasonForm(), "certify_form": CertifyForm(),
        "submit_form": SubmitForm(),
        "transfer_date": services.transfer_date(application),
        "slots": EvidenceSlot,
    }


ACTIONS = {
    "submit": (services.submit_application, gettext_lazy("ยื่นคำขอต่อสถานศึกษาแล้ว")),
    "school-certify": (services.school_certify, gettext_lazy("รับรองและส่งคำขอให้หน่วยงานต้นสังกัดแล้ว")),
    "school-return": (services.school_return, gettext_lazy("ส่งคืนคำขอให้ผู้ขอแล้ว")),
    "rerun-checks": (services.rerun_automatic_checks, gettext_lazy("ตรวจสอบโดยระบบอีกครั้งแล้ว")),
    "office-certify": (services.office_certify, gettext_lazy("รับรองคุณสมบัติแล้ว")),
    "office-return": (services.office_return, gettext_lazy("ส่งคืนคำขอให้สถานศึกษาแล้ว")),
}


@login_required
@require_POST
def application_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404()
    application = _application_ornot_found(request.user, pk)
    service, done = ACTIONS[action]
    kwargs = {}
    if action.endswith("-return"):
        form = ReasonForm(request.POST)
        kwargs["reason"] = form.data.get("reason", "")
    if action == "submit":
        form = SubmitForm(request.POST)
        form.is_valid()
        kwargs["confirm_failed"] = bool(form.cleaned_data.get("confirm_failed"))
    if action == "office-certify":
        form = CertifyForm(request.POST)
        form.is_valid()
        kwargs["confirm"] = bool(form.cleaned_data.get("confirm"))
    try:
        service(actor=request.user, application=application, **kwargs)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, done)
    return redirect("application_detail", application.pk)


@login_required
@require_POST
def check_record(request, pk, check_pk, level):
    application = _application_ornot_found(request.user, pk)
    if level not in services.CHECK_LEVELS:
        raise Http404()
    check = QualificationCheck.objects.filter(pk=check_pk, application=application).first()
    if check is None:
        raise Http404()
    form = CheckForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("application_detail", application.pk)
    try:
        services.record_check(actor=request.user, check=check, level=level,
                              passed=form.cleaned_data["passed"],
                              note=form.cleaned_data["note"],
                              upload=form.cleaned_data.get("upload"))
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("บันทึกผลการตรวจสอบ “%(check)s” แล้ว") % {
            "check": check.get_kind_display()})
    return redirect(reverse("application_detail", args=[application.pk]) + f"#check-{check.kind}")


@login_required
@require_POST
def checks_record(request, pk, level):
    """The officer's or the group head's verdicts on every check of the request, one form."""
    application = _application_ornot_found(request.user, pk)
    if level not in services.CHECK_LEVELS:
        raise Http404()
    current = list(services.current_checks(application))
    forms = {c.kind: CheckRowForm(request.POST, request.FILES, prefix=c.kind) for c in current}
    if all(f.is_valid() for f in forms.values()):
        results = [{"check": c, **forms[c.kind].cleaned_data} for c in current
                   if forms[c.kind].cleaned_data["passed"] is not None]
        try:
            services.record_checks(actor=request.user, application=application, level=level,
                                   results=results)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for kind, errors in error.error_dict.items():
                    forms[kind].add_error(None, ValidationError(errors).messages)
            else:
                show_errors(request, error)
        else:
            messages.success(request, _("บันทึกผลการตรวจสอบคุณสมบัติ %(count)d รายการแล้ว") % {
                "count": len(results)})
            return redirect(reverse("application_detail", args=[application.pk]) + "#checks")
    messages.error(request, _("ยังบันทึกผลการตรวจสอบไม่ได้ กรุณาแก้ไขรายการที่แจ้งไว้"))
    can = _roles(request.user, application)
    return render(request, "appraisal/application_detail.html",
                  _detail_context(request, application, can, check_forms=forms), status=400)


@login_required
def check_file(request, pk, check_pk, level):
    application = _application_ornot_found(request.user, pk)
    check = QualificationCheck.objects.filter(pk=check_pk, application=application).first()
    if check is None or level not in services.CHECK_LEVELS:
        raise Http404()
    if not scoping.can_work_on(request.user, application.organization):
        raise Http404()
    field = getattr(check, f"{level}_file")
    if not field:
        raise Http404()
    return FileResponse(field.open("rb"), content_type="application/pdf",
                        filename=f"check-{check.kind}-{level}.pdf")


def _queue(request):
    form = QueueFilterForm(search_params(request) or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, selectors.office_queue(request.user, state=filters.get("state") or None,
                                        q=filters.get("q", ""))


# What a queue row shows (queue_rows): the page reads only these columns.
# The applicant's name is a subquery, not a join: joined, the database would look up the person
# of every request of the office (1,000 at a busy one) before sorting; a subquery in the select
# list it runs after the sort and the LIMIT, for the page's fifty only.
# The school's name too (no join left: the count reads the queue index alone).
QUEUE_FIELDS = ("pk", "applicant", "current_standing", "requested_standing", "unit",
                "filed_on", "state", "round_no")


def queue_values(qs):
    """The selector's queryset as rows of QUEUE_FIELDS (not its models and their checks)."""
    applicant = Person.objects.filter(pk=OuterRef("person_id")).values(
        name=Concat("title_th", "first_name", Value(" "), "last_name",
                    output_field=CharField()))[:1]
    unit = Organization.objects.filter(pk=OuterRef("organization_id")).values("name")[:1]
    return qs.select_related(None).prefetch_related(None).annotate(
        applicant=Subquery(applicant), unit=Subquery(unit)).values_list(*QUEUE_FIELDS,
                                                                          named=True)
# The grid's cells: a check's verdict (_grid_state) and how it shows. The group head's result
# counts first, then the officer's, then the system's (paler). Fixed markup, joined per row.
GRID_CELLS = {
    "absent": mark_safe('<td class="text-center" data-testid="grid-cell">'
                        '<span class="text-muted">–</span></td>'),  # no such check this round
    "open": mark_safe('<td class="text-center" data-testid="grid-cell">–</td>'),  # undecided
    "pass": mark_safe('<td class="text-center" data-testid="grid-cell">'
                      '<span class="text-success">✓</span></td>'),
    "fail": mark_safe('<td class="text-center" data-testid="grid-cell">'
                      '<span class="text-danger">✗</span></td>'),
    "auto-pass": mark_safe('<td class="text-center" data-testid="grid-cell">'
                           '<span class="text-success opacity-50">✓</span></td>'),
    "auto-fail": mark_safe('<td class="text-center" data-testid="grid-cell">'
                           '<span class="text-danger opacity-50">✗</span></td>'),
}
GRID_MARKS = {"absent": "–", "open": "–", "pass": "✓", "fail": "✗", "auto-pass": "✓",
              "auto-fail": "✗"}  # the Excel export's


def _grid_state(head_passed, officer_passed, auto_passed) -> str:
    for passed, prefix in ((head_passed, ""), (officer_passed, ""), (auto_passed, "auto-")):
        if passed is not None:
            return prefix + ("pass" if passed else "fail")
    return "open"


def _mark(check) -> str:
    if check is None:
        return GRID_MARKS["absent"]
    return GRID_MARKS[_grid_state(check.head_passed, check.officer_passed, check.auto_passed)]


@login_required
@private_search
def office_queue(request):
    """The office's list with the ✓/✗ grid of the checks (seed 004 step 7)."""
    reach = scoping.reach(request.user, scoping.Access.WORK)
    if reach.nothing:
        raise NotAllowed()
    form, qs = _queue(request)
    # The rows are kept between visits until a request, a check, a person or a unit of the
    # office's province changes (core/kept.py). Django's Paginator, not CountedPaginator: the
    # window would count the office's every request, where the queue index hands out the
    # page's fifty and counts from the index.
    page, rows = kept.kept_page(
        kept.APPLICATIONS, kept.list_key(request, reach.everything, reach.subtree_paths),
        reach.subtree_paths, queue_values(qs), PAGE_SIZE, request.GET.get("page"), queue_rows)
    return render(request, "appraisal/office_queue.html", {
        "form": form, "page": page, "rows": rows, "rows_html": queue_rows_html(rows),
        "kinds": CheckKind.choices,
    })


# A row of the queue, as markup (``queue_rows_html``): fifty rows of nine values a page, put
# together by core.html.table_rows rather than the template engine (why: there).
QUEUE_ROW = ('<tr data-testid="queue-row"><td>{number}</td><td><a href="{url}">{name}</a></td>'
             '<td>{current}</td><td>{requested}</td><td>{unit}</td><td>{filed_on}</td>'
             '<td><span class="badge bg-secondary">{state}</span></td>{cells}</tr>')


def queue_rows_html(rows: list[dict]) -> Markup:
    """The rows of ``queue_rows`` as one piece of markup, every value escaped (the grid's cells
    are GRID_CELLS' safe markup and pass as they are)."""
    return table_rows(QUEUE_ROW, rows)


def queue_rows(page) -> list[dict]:
    """The cells of the queue's rows, ready to print: the choices' labels translated once per
    page (``get_FOO_display`` hashes every lazy label of its field on every call), each link
    from ``reverse`` (never by cutting a URL's string), the grid from one query of the current
    round's checks (those of ``selectors.current_round_checks``) as a row of fixed cells."""
    # The page's rows are plain values of QUEUE_FIELDS (not the selector's models and their
    # prefetched checks); the checks of the page in a query of their own, the current round's
    # kept (the round is in the row: no join back to the applications).
    applications = page.object_list
    grid = {a.pk: {} for a in applications}
    rounds = {a.pk: a.round_no for a in applications}
    checks = QualificationCheck.objects.filter(application_id__in=list(grid)).values_list(
        "application_id", "round_no", "kind", "head_passed", "officer_passed", "auto_passed")
    for application_id, round_no, kind, *verdicts in checks:
        if round_no == rounds[application_id]:
            grid[application_id][kind] = _grid_state(*verdicts)
    standings, states = _labels(AcademicStanding), _labels(ApplicationState)
    kinds = CheckKind.values  # a property: a new list from the enum on every read
    teacher = _("ครู")
    return [{
        "number": number, "url": reverse("application_detail", args=[a.pk]),
        "name": (a.applicant or "").strip(),  # as Person.full_name_th
        "current": f"{teacher} ({standings.get(a.current_standing, a.current_standing)})",
        "requested": standings.get(a.requested_standing, a.requested_standing),
        "unit": a.unit, "filed_on": thai_date(a.filed_on) or "–",
        "state": states.get(a.state, a.state),
        "cells": mark_safe("".join(  # noqa: S308 (GRID_CELLS' fixed markup only)
            GRID_CELLS[grid[a.pk].get(kind, "absent")] for kind in kinds)),
    } for number, a in enumerate(applications, start=page.start_index())]


def _labels(choices) -> dict[str, str]:
    """{value: label} of a choices enum in the request's language."""
    return {value: str(label) for value, label in choices.choices}


@login_required
def office_queue_xlsx(request):
    if scoping.reach(request.user, scoping.Access.WORK).nothing:
        raise NotAllowed()
    from openpyxl import Workbook

    from core import spreadsheets
    from core.thaidates import format_be

    _form, qs = _queue(request)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("ผลการตรวจสอบคุณสมบัติ"))
    header = [_("ลำดับ"), _("ชื่อ-นามสกุล"), _("ตำแหน่ง/วิทยฐานะปัจจุบัน"), _("ขอมี/เลื่อนเป็น"),
              _("สถานศึกษา"), _("วันที่ส่งคำขอ"), _("สถานะ"),
              *[f"({i}) {label}" for i, (_k, label) in enumerate(CheckKind.choices, start=1)]]
    spreadsheets.print_layout(sheet, landscape=True,
                              widths=(7, 32, 20, 16, 30, 16, 22, *[24] * len(CheckKind.choices)))
    sheet.append(spreadsheets.row(sheet, header, bold=True, table=True, wrap=False))
    for number, application in enumerate(qs.iterator(chunk_size=500), start=1):
        current = selectors.current_round_checks(application)
        sheet.append(spreadsheets.row(sheet, [
            number, application.person.full_name_th,
            str(application.get_current_standing_display()),
            str(application.get_requested_standing_display()), application.organization.name,
            format_be(application.filed_on, style="long"),
            str(application.get_state_display()),
            *[_mark(current.get(k)) for k in CheckKind.values],
        ], table=True, wrap=False))
    response = HttpResponse(
        spreadsheets.to_bytes(book),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        f'attachment; filename="qualification-checks-{timezone.localdate():%Y%m%d}.xlsx"')
    return response

