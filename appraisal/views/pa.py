"""PA results pages (RULES.md §4.3, issue 5 item 1): the list of the units the user works on,
the PA3 entry (by the school admin) and its correction, and the PA3 PDF. Thin: parse, call
``pa_services.record_pa_result`` or a selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from accounts.exceptions import NotAllowed
from accounts.scoping import Access
from appraisal import selectors
from appraisal.forms.pa import PAFilterForm, PAResultForm
from appraisal.models import PAResult
from appraisal.services import pa as pa_services
from personnel import selectors as personnel_selectors
from personnel.models import Person
from personnel.rules import fiscal_year_be

PAGE_SIZE = 50


def _result_or_404(user, pk) -> PAResult:
    result = selectors.pa_results_for(user).select_related(
        "person", "person__organization", "organization").filter(pk=pk).first()
    if result is None:
        raise Http404(_("ไม่พบผลการประเมิน PA นี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    return result


def _require_worker(user) -> None:
    """Entering PA results is for those who work on some unit (the school admin and above)."""
    if scoping.reach(user, Access.WORK).nothing:
        raise Http404(_("คุณไม่มีหน่วยงานที่บันทึกผลการประเมิน PA ได้"))


@login_required
def pa_list(request):
    form = PAFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    results = selectors.pa_results_for(request.user).select_related("person", "organization")
    if filters.get("fiscal_year_be"):
        results = results.filter(fiscal_year_be=filters["fiscal_year_be"])
    if filters.get("school"):
        results = results.filter(organization=filters["school"])
    results = results.order_by("-fiscal_year_be", "person__first_name", "person__last_name",
                               "pk")
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(r, scoping.can_work_on(request.user, r.organization)) for r in page]
    return render(request, "appraisal/pa_list.html", {
        "form": form, "page": page, "rows": rows,
        "can_enter": not scoping.reach(request.user, Access.WORK).nothing,
    })


def _save(request, form: PAResultForm, *, person: Person, year: int) -> PAResult | None:
    """Call the service; its ValidationError becomes form errors (the form keeps what the user
    typed: only the file has to be chosen again)."""
    data = form.cleaned_data
    try:
        return pa_services.record_pa_result(
            actor=request.user, person=person, fiscal_year_be=year, scores=form.scores,
            education_level=data["education_level"], teaching_hours=data["teaching_hours"],
            total_hours=data["total_hours"], pa3_file=data.get("pa3_file") or None)
    except NotAllowed as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    return None


def _done(request, result: PAResult):
    verdict = _("ผ่าน") if result.passed else _("ไม่ผ่าน")
    messages.success(request, _("บันทึกผลการประเมิน PA ปีงบประมาณ %(year)s ของ %(name)s แล้ว "
                                "(%(verdict)s)") % {
        "year": result.fiscal_year_be, "name": result.person.full_name_th, "verdict": verdict})
    return redirect(f"{reverse('pa_list')}?fiscal_year_be={result.fiscal_year_be}")


@login_required
def pa_create(request):
    _require_worker(request.user)
    initial = {"fiscal_year_be": fiscal_year_be(timezone.localdate())}
    if request.GET.get("person", "").isdigit():
        initial["person"] = int(request.GET["person"])
    if request.GET.get("year", "").isdigit():
        initial["fiscal_year_be"] = int(request.GET["year"])
    form = PAResultForm(request.POST or None, request.FILES or None, user=request.user,
                        initial=initial)
    if request.method == "POST" and form.is_valid():
        result = _save(request, form, person=form.cleaned_data["person"],
                       year=form.cleaned_data["fiscal_year_be"])
        if result is not None:
            return _done(request, result)
    return render(request, "appraisal/pa_form.html", {"form": form, "result": None})


@login_required
def pa_edit(request, pk):
    result = _result_or_404(request.user, pk)
    if not scoping.can_work_on(request.user, result.person.organization):
        # the teacher sees their own result but does not correct it
        raise Http404(_("ไม่พบผลการประเมิน PA นี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    initial = {"person": result.person_id, "fiscal_year_be": result.fiscal_year_be,
               "education_level": result.education_level,
               "teaching_hours": result.teaching_hours, "total_hours": result.total_hours,
               **{f: getattr(result, f) for f in pa_services.PA_SCORE_FIELDS}}
    form = PAResultForm(request.POST or None, request.FILES or None, user=request.user,
                        initial=initial, result=result)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, person=result.person, year=result.fiscal_year_be)
        if saved is not None:
            return _done(request, saved)
    return render(request, "appraisal/pa_form.html", {"form": form, "result": result})


@login_required
def pa_pa3(request, pk):
    result = _result_or_404(request.user, pk)
    if not result.pa3_file:
        raise Http404(_("ยังไม่มีไฟล์ PA3"))
    return FileResponse(result.pa3_file.open("rb"), content_type="application/pdf",
                        as_attachment=True,
                        filename=f"PA3-{result.fiscal_year_be}-{result.person_id}.pdf")


def person_pa_section(request, person):
    """The PA results on the person page (registered with ``personnel.sections``): one query."""
    from personnel.sections import Section

    results = list(selectors.pa_results_for(request.user).filter(person=person)
                   .order_by("-fiscal_year_be"))
    can_enter = personnel_selectors.can_edit(request.user, person)
    return Section("appraisal/_person_pa_section.html",
                   {"pa_results": results, "can_enter_pa": can_enter})
