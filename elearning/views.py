"""Pages of e-Learning: thin. Reading goes through ``selectors``, every change through
``services``; objects outside the user's reach answer 404 like objects that do not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.exceptions import NotAllowed
from accounts.models import Organization
from core.tabular import XLSX_CONTENT_TYPE
from personnel.io_views import ImportForm

from . import imports, reports, rules, selectors, services
from .forms import (
    ChannelForm,
    CompletionForm,
    CourseFilterForm,
    CourseForm,
    FiscalYearForm,
    HolidayForm,
    RejectForm,
    RequirementForm,
    RoundForm,
    SubmissionForm,
)
from .models import Completion, ExtraHoliday, Round


def _errors(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _not_found():
    return Http404(_("ไม่พบข้อมูลนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))


def _require_admin(user) -> None:
    if not selectors.is_elearning_admin(user):
        raise NotAllowed(_("เฉพาะผู้ดูแลระบบ สถ. เท่านั้นที่แก้ไขข้อมูลนี้ได้"))


def _rounds_choice(request, today):
    round_ = selectors.round_or_current(request.GET.get("round"), today)
    if request.GET.get("round") and round_ is None:
        raise _not_found()
    return round_


# --- the learner's own page ---------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    today = timezone.localdate()
    round_ = _rounds_choice(request, today)
    requirement = status = None
    if round_ is not None:
        requirement, status = selectors.status_of(request.user, round_)
    completions = selectors.my_completions(request.user)
    return render(request, "elearning/home.html", {
        "round": round_, "rounds": selectors.rounds(), "requirement": requirement,
        "status": status, "completions": Paginator(completions, 50).get_page(
            request.GET.get("page")),
        "channels": selectors.channels(), "may_work": selectors.may_work(request.user),
        "is_admin": selectors.is_elearning_admin(request.user),
        "pending_count": selectors.pending_for_review(request.user).count()
        if selectors.may_work(request.user) else 0,
    })


@login_required
@require_http_methods(["GET", "POST"])
def completion_create(request):
    form = CompletionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            completion = services.record_completion(
                actor=request.user, course=data["course"], channel=data["channel"],
                course_name=data["course_name"], completed_on=data["completed_on"],
                certificate=data["certificate"])
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("บันทึกผลการเรียนแล้ว รอผู้บังคับบัญชาตรวจสอบและรับรอง"))
            return redirect("completion_detail", completion.pk)
    return render(request, "elearning/completion_form.html", {"form": form})


def _completion_or_404(user, pk) -> Completion:
    try:
        return selectors.completion_for(user, pk)
    except Completion.DoesNotExist:
        raise _not_found() from None


def _next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def completion_detail(request, pk):
    completion = _completion_or_404(request.user, pk)
    if request.method == "POST":
        back = _next(request, reverse("completion_detail", args=[completion.pk]))
        try:
            if request.POST.get("action") == "accept":
                services.accept_completion(actor=request.user, completion=completion)
                messages.success(request, _("รับรองผลการเรียนของ %(name)s แล้ว") % {
                    "name": completion.user.full_name_th})
            elif request.POST.get("action") == "reject":
                form = RejectForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("กรุณาระบุเหตุผลที่ไม่รับรอง"))
                services.reject_completion(actor=request.user, completion=completion,
                                           reason=form.cleaned_data["reason"])
                messages.success(request, _("บันทึกว่าไม่รับรองแล้ว พร้อมแจ้งเหตุผลให้ผู้เรียน"))
            else:
                messages.error(request, _("ไม่รู้จักคำสั่งนี้"))
        except (ValidationError, NotAllowed) as exc:
            messages.error(request, _errors(exc))
        return redirect(back)
    return render(request, "elearning/completion_detail.html", {
        "completion": completion, "can_decide": selectors.can_decide(request.user, completion),
        "reject_form": RejectForm(),
    })


@login_required
@require_GET
def completion_certificate(request, pk):
    completion = _completion_or_404(request.user, pk)
    if not completion.certificate:
        raise Http404(_("รายการนี้ไม่มีไฟล์สำเนาใบประกาศ"))
    extension = completion.certificate.name.rsplit(".", 1)[-1]
    response = FileResponse(completion.certificate.open("rb"),
                            content_type=completion.certificate_type,
                            as_attachment=completion.certificate_type == "application/pdf",
                            filename=f"certificate-{completion.pk}.{extension}")
    response["Cache-Control"] = "private, no-store"
    return response


# --- supervisors ---------------------------------------------------------------------------------


@login_required
@require_GET
def review(request):
    """Completions waiting for the user's decision, oldest first."""
    if not selectors.may_work(request.user):
        raise NotAllowed()
    pending = selectors.pending_for_review(request.user)
    return render(request, "elearning/review.html", {
        "page": Paginator(pending, 50).get_page(request.GET.get("page")),
        "reject_form": RejectForm(),
    })


def _dashboard_unit(request, source) -> Organization:
    pk = source.get("organization")
    if pk:
        try:
            return selectors.unit_for(request.user, int(pk))
        except (Organization.DoesNotExist, ValueError):
            raise _not_found() from None
    unit = selectors.default_unit(request.user)
    if unit is None:
        raise NotAllowed(_("แดชบอร์ดนี้สำหรับผู้ดูแลและเจ้าหน้าที่ของหน่วยงาน"))
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def dashboard(request):
    """A unit's compliance in a round: the KPI, who has not passed, the reminder, the report."""
    today = timezone.localdate()
    unit = _dashboard_unit(request, request.GET)
    round_ = _rounds_choice(request, today)
    here = reverse("elearning_dashboard") + "?" + urlencode(
        {"organization": unit.pk, **({"round": round_.pk} if round_ else {})})
    submission_form = SubmissionForm(initial={"submitted_on": today})
    if request.method == "POST":
        if round_ is None:
            raise _not_found()
        action = request.POST.get("action")
        try:
            if action == "remind":
                n = services.send_reminders(actor=request.user, organization=unit,
                                            round_=round_, today=today)
                messages.success(request, _("ส่งอีเมลแจ้งเตือนผู้ที่ยังไม่ผ่านเกณฑ์ %(n)d คนแล้ว") %
                                 {"n": n})
                return redirect(here)
            if action == "submit":
                submission_form = SubmissionForm(request.POST)
                if submission_form.is_valid():
                    report = services.record_report_submission(
                        actor=request.user, organization=unit, round_=round_, today=today,
                        **submission_form.cleaned_data)
                    messages.success(request, _submission_message(report))
                    return redirect(here)
            else:
                messages.error(request, _("ไม่รู้จักคำสั่งนี้"))
                return redirect(here)
        except ValidationError as exc:
            submission_form.add_error(None, _errors(exc))
        except NotAllowed as exc:
            messages.error(request, str(exc))
            return redirect(here)
    context = {"unit": unit, "round": round_, "rounds": selectors.rounds(), "today": today,
               "submission_form": submission_form, "here": here}
    if round_ is not None:
        compliance = selectors.compliance_of(unit, round_)
        context.update({
            "compliance": compliance,
            "report": selectors.report_of(unit, round_),
            "chart": {
                "passed": compliance.passed, "not_passed": compliance.total - compliance.passed,
                "labels": [s.unit.name for s in compliance.units],
                "percents": [s.percent for s in compliance.units],
            },
        })
    return render(request, "elearning/dashboard.html", context)


def _submission_message(report) -> str:
    if not report.counted:
        return _("บันทึกการส่งรายงานแล้ว: ส่งหลังวันสุดท้ายที่กำหนด ไม่นำมาประกอบการประเมิน")
    if report.working_days_late:
        return _("บันทึกการส่งรายงานแล้ว: ล่าช้า %(days)d วันทำการ ปรับลด %(points)s คะแนน") % {
            "days": report.working_days_late, "points": report.penalty}
    return _("บันทึกการส่งรายงานแล้ว: ส่งภายในกำหนด")


def _report_context(request, round_pk, org_pk):
    try:
        unit = selectors.unit_for(request.user, org_pk)
    except Organization.DoesNotExist:
        raise _not_found() from None
    round_ = Round.objects.filter(pk=round_pk).first()
    if round_ is None:
        raise _not_found()
    compliance = selectors.compliance_of(unit, round_)
    completions = list(selectors.accepted_completions(
        unit, round_, user_ids=[r.user.pk for r in compliance.rows]))
    return unit, round_, compliance, completions


def _report_name(unit, round_) -> str:
    return f"elearning-{unit.code}-{round_.fiscal_year_be}-{round_.number}"


@login_required
@require_GET
def report_xlsx(request, round_pk, org_pk):
    unit, round_, compliance, completions = _report_context(request, round_pk, org_pk)
    content = reports.report_workbook(compliance, completions, selectors.report_of(unit, round_),
                                      timezone.localdate())
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_report_name(unit, round_)}.xlsx"'
    response["Cache-Control"] = "no-store"  # national IDs: no copies in shared caches
    return response


@login_required
@require_GET
def report_pdf(request, round_pk, org_pk):
    unit, round_, compliance, completions = _report_context(request, round_pk, org_pk)
    content = reports.report_pdf(compliance, completions, timezone.localdate())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_report_name(unit, round_)}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_completions(request):
    if not imports.may_import(request.user):
        raise NotAllowed()
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        report = imports.run_import(actor=request.user, upload=form.cleaned_data["file"],
                                    good_rows_only=form.cleaned_data["good_rows_only"])
        if report.file_error:
            form.add_error("file", report.file_error)
    return render(request, "elearning/import.html", {
        "form": form, "report": report, "columns": imports.COLUMNS,
        "problems": report.problems[:1000] if report else [],
    })


@login_required
@require_GET
def import_template(request):
    if not imports.may_import(request.user):
        raise NotAllowed()
    response = HttpResponse(imports.template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="elearning-import-template.xlsx"'
    return response


# --- national data: catalogue, rounds and holidays, requirements --------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def catalogue(request):
    is_admin = selectors.is_elearning_admin(request.user)
    channel_form, course_form = ChannelForm(prefix="channel"), CourseForm(prefix="course")
    if request.method == "POST":
        _require_admin(request.user)
        try:
            if request.POST.get("action") == "channel":
                channel_form = ChannelForm(request.POST, prefix="channel")
                if channel_form.is_valid():
                    services.add_channel(actor=request.user, **channel_form.cleaned_data)
                    messages.success(request, _("เพิ่มช่องทางแล้ว"))
                    return redirect("elearning_catalogue")
            elif request.POST.get("action") == "course":
                course_form = CourseForm(request.POST, prefix="course")
                if course_form.is_valid():
                    services.add_course(actor=request.user, **course_form.cleaned_data)
                    messages.success(request, _("เพิ่มหลักสูตรแล้ว"))
                    return redirect("elearning_catalogue")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    filters = CourseFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    courses = selectors.courses(channel=data.get("channel"), q=data.get("q") or "")
    return render(request, "elearning/catalogue.html", {
        "channels": selectors.channels(), "filters": filters, "is_admin": is_admin,
        "page": Paginator(courses, 50).get_page(request.GET.get("page")),
        "channel_form": channel_form, "course_form": course_form,
        "may_work": selectors.may_work(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request):
    is_admin = selectors.is_elearning_admin(request.user)
    year_form, holiday_form = FiscalYearForm(prefix="year"), HolidayForm(prefix="holiday")
    if request.method == "POST":
        _require_admin(request.user)
        try:
            if request.POST.get("action") == "year":
                year_form = FiscalYearForm(request.POST, prefix="year")
                if year_form.is_valid():
                    services.ensure_rounds(actor=request.user, **year_form.cleaned_data)
                    messages.success(request, _("เปิดรอบการประเมินของปีงบประมาณแล้ว"))
                    return redirect("elearning_rounds")
            elif request.POST.get("action") == "holiday":
                holiday_form = HolidayForm(request.POST, prefix="holiday")
                if holiday_form.is_valid():
                    services.add_extra_holiday(actor=request.user, **holiday_form.cleaned_data)
                    messages.success(request, _("เพิ่มวันหยุดแล้ว"))
                    return redirect("elearning_rounds")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    fiscal_year_be = rules.fiscal_year_be(timezone.localdate())
    first = rules.default_round_dates(fiscal_year_be, rules.ROUND_1).starts_on
    last = rules.default_round_dates(fiscal_year_be, rules.ROUND_2).ends_on
    return render(request, "elearning/rounds.html", {
        "rounds": selectors.rounds(), "is_admin": is_admin, "year_form": year_form,
        "holiday_form": holiday_form, "extra_holidays": selectors.extra_holidays(),
        "public_holidays": sorted(selectors.public_holiday_names(first, last).items()),
        "fiscal_year_be": fiscal_year_be, "may_work": selectors.may_work(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    _require_admin(request.user)
    round_ = Round.objects.filter(pk=pk).first()
    if round_ is None:
        raise _not_found()
    form = RoundForm(request.POST or None, instance=Round.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_round(actor=request.user, round_=round_, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("บันทึกวันที่ของรอบแล้ว"))
            return redirect("elearning_rounds")
    return render(request, "elearning/round_form.html", {"form": form, "round": round_})


@login_required
@require_POST
def holiday_delete(request, pk):
    _require_admin(request.user)
    holiday = ExtraHoliday.objects.filter(pk=pk).first()
    if holiday is None:
        raise _not_found()
    services.remove_extra_holiday(actor=request.user, holiday=holiday)
    messages.success(request, _("ลบวันหยุดแล้ว"))
    return redirect("elearning_rounds")


@login_required
@require_http_methods(["GET", "POST"])
def requirements(request):
    is_admin = selectors.is_elearning_admin(request.user)
    form = RequirementForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        _require_admin(request.user)
        if form.is_valid():
            try:
                services.save_requirement(actor=request.user, **form.service_kwargs())
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("เพิ่มเกณฑ์แล้ว"))
                return redirect("elearning_requirements")
    return render(request, "elearning/requirements.html", {
        "requirements": selectors.requirements(), "form": form, "is_admin": is_admin,
        "may_work": selectors.may_work(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def requirement_edit(request, pk):
    _require_admin(request.user)
    requirement = selectors.requirements().filter(pk=pk).first()
    if requirement is None:
        raise _not_found()
    form = RequirementForm(request.POST or None, requirement=requirement)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_requirement(actor=request.user, requirement=requirement,
                                      **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("บันทึกเกณฑ์แล้ว"))
            return redirect("elearning_requirements")
    return render(request, "elearning/requirement_form.html", {"form": form,
                                                                "requirement": requirement})

