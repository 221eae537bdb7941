"""The expert registry's pages (บัญชีรายชื่อผู้ทรงคุณวุฒิ): the list, the form, "invite to the
portal", the import from Excel/CSV and its template, for the DLA and province admins only; and
the declared relations that may make a conflict of interest (issue 19), on the expert's page for
the keepers and on "my relations" for the expert themself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.exceptions import NotAllowed
from appraisal import imports as expert_imports
from appraisal import rules, selectors
from appraisal.forms.assessment import (
    ConflictForm,
    ExpertFilterForm,
    ExpertForm,
    ImportForm,
    ReasonForm,
)
from appraisal.models import ConflictDeclaration, Expert
from appraisal.services import conflicts, experts
from core.search import private_search, search_params
from core.views import not_found, show_errors
from personnel.choices import AcademicStanding

PAGE_SIZE = 50
REPORT_ROWS_SHOWN = 200


def _require_manager(user) -> None:
    if not selectors.may_manage_experts(user):
        raise NotAllowed()


@login_required
@private_search
def expert_list(request):
    """The registry as its keeper sees it: by default every expert the draw may use, from every
    province (the draw pools them all); the records of other keepers are read only."""
    _require_manager(request.user)
    form = ExpertFilterForm(search_params(request) or None)
    filters = form.cleaned_data if form.is_valid() else {}
    pool = filters.get("scope") != ExpertFilterForm.MINE
    qs = selectors.expert_list(request.user, q=filters.get("q", ""),
                             subject_area=filters.get("subject_area"),
                             standing=filters.get("standing", ""), pool=pool)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    editable = set(selectors.experts_for(request.user).filter(
        pk__in=[e.pk for e in page]).values_list("pk", flat=True))
    today = timezone.localdate()
    rows = [{"expert": e, "editable": e.pk in editable, "ready": _readiness(e, today)}
            for e in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "appraisal/expert_list.html", {
        "form": form, "page": page, "rows": rows, "pool": pool,
        "standing_labels": dict(AcademicStanding.choices), "query": query.urlencode(),
    })


def _readiness(expert: Expert, today) -> str:
    """Why the draw would pass the expert over whatever the application (the reasons of
    ``appraisal.rules.exclusion_reason`` that do not depend on it), or "" when ready."""
    if expert.user_id is None or not expert.user.is_active:
        return str(rules.EXCLUSION_REASONS["no_account"])
    if not expert.is_active or expert.active_from > today or (
            expert.active_to is not None and expert.active_to < today):
        return str(rules.EXCLUSION_REASONS["inactive"])
    return ""


def _expert_initial(expert: Expert) -> dict:
    return {
        "organization": expert.organization_id, "title_th": expert.title_th,
        "first_name": expert.first_name, "last_name": expert.last_name,
        "national_id": expert.national_id or "", "email": expert.email, "phone": expert.phone,
        "position": expert.position,
        "home_organization_code": expert.home_organization.code
        if expert.home_organization_id else "",
        "home_organization_name": expert.home_organization_name,
        "subject_areas": [a.pk for a in expert.subject_areas.all()],
        "standings": expert.standings, "active_from": expert.active_from,
        "active_to": expert.active_to, "max_concurrent": expert.max_concurrent,
        "is_active": expert.is_active, "note": expert.note,
        "username": expert.user.username if expert.user_id else "",
    }


def _expert_form_page(request, expert: Expert | None):
    initial = _expert_initial(expert) if expert else {
        "active_from": timezone.localdate(), "max_concurrent": 3, "is_active": True}
    form = ExpertForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = experts.save_expert(actor=request.user, expert=expert,
                                        **form.service_kwargs())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                show_errors(request, error)
        else:
            messages.success(request, _("บันทึกข้อมูลผู้ทรงคุณวุฒิแล้ว"))
            return redirect("expert_edit", saved.pk)
    return render(request, "appraisal/expert_form.html", {
        "form": form, "expert": expert,
        "conflicts": list(conflicts.conflicts_of(expert)) if expert else [],
        "conflict_form": ConflictForm(), "reason_form": ReasonForm()})


@login_required
def expert_new(request):
    _require_manager(request.user)
    return _expert_form_page(request, None)


@login_required
def expert_edit(request, pk):
    _require_manager(request.user)
    try:
        expert = selectors.expert_for(request.user, pk)
    except Expert.DoesNotExist:
        raise not_found() from None
    return _expert_form_page(request, expert)


@login_required
@require_POST
def expert_account(request, pk):
    """"Invite to the portal": an account and a link to set its password."""
    _require_manager(request.user)
    try:
        expert = selectors.expert_for(request.user, pk)
    except Expert.DoesNotExist:
        raise not_found() from None
    try:
        user = experts.create_expert_account(actor=request.user, expert=expert)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("ผูกบัญชีผู้ใช้ %(username)s แล้ว (ส่งลิงก์ตั้งรหัสผ่านทางอีเมล "
                                    "เมื่อสร้างบัญชีใหม่)") % {"username": user.username})
    return redirect("expert_edit", expert.pk)


@login_required
def expert_import(request):
    _require_manager(request.user)
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        report = expert_imports.run_expert_import(
            actor=request.user, upload=form.cleaned_data["file"],
            good_rows_only=form.cleaned_data["good_rows_only"])
        if report.file_error:
            form.add_error("file", report.file_error)
    return render(request, "appraisal/expert_import.html", {
        "form": form, "report": report,
        "problems": report.problems[:REPORT_ROWS_SHOWN] if report else [],
        "columns": expert_imports.COLUMNS,
    })


@login_required
@require_safe
def expert_import_template(request):
    _require_manager(request.user)
    response = HttpResponse(
        expert_imports.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="experts-template.xlsx"'
    return response




# --- declared relations (conflicts of interest) -------------------------------------------------

def _declare(request, expert: Expert) -> None:
    form = ConflictForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return
    try:
        conflicts.declare_conflict(actor=request.user, expert=expert, **form.cleaned_data)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("บันทึกความสัมพันธ์แล้ว ระบบจะไม่สุ่มผู้ทรงคุณวุฒิท่านนี้ให้ประเมิน"
                                    "บุคคลนั้น"))


@login_required
@require_POST
def conflict_add(request, pk):
    """A keeper declares a relation on the expert's record."""
    _require_manager(request.user)
    try:
        expert = selectors.expert_for(request.user, pk)
    except Expert.DoesNotExist:
        raise not_found() from None
    _declare(request, expert)
    return redirect(reverse("expert_edit", args=[expert.pk]) + "#conflicts")


@login_required
@require_POST
def conflict_withdraw(request, pk):
    """A keeper withdraws a relation; the expert their own declaration."""
    declaration = ConflictDeclaration.objects.select_related("expert").filter(pk=pk).first()
    if declaration is None or not conflicts.may_declare(request.user, declaration.expert):
        raise not_found()
    try:
        conflicts.withdraw_conflict(actor=request.user, declaration=declaration,
                                    reason=request.POST.get("reason", ""))
    except ValidationError as error:
        show_errors(request, error)
    except NotAllowed:
        raise not_found() from None
    else:
        messages.success(request, _("ถอนความสัมพันธ์แล้ว"))
    if conflicts.is_own(request.user, declaration.expert):
        return redirect("my_conflicts")
    return redirect(reverse("expert_edit", args=[declaration.expert_id]) + "#conflicts")


@login_required
def my_conflicts(request):
    """The expert's own declared relations, and a form to declare one."""
    expert = Expert.objects.filter(user=request.user).first()
    if expert is None:
        raise not_found(_("ท่านไม่ได้อยู่ในบัญชีรายชื่อผู้ทรงคุณวุฒิ"))
    if request.method == "POST":
        _declare(request, expert)
        return redirect("my_conflicts")
    return render(request, "appraisal/my_conflicts.html", {
        "expert": expert, "conflicts": list(conflicts.conflicts_of(expert)),
        "conflict_form": ConflictForm(), "reason_form": ReasonForm()})
