"""Pages for moving people in and out of the registry as files: the import form and its
report, the import template, and the roster as Excel. The reading, checking and writing live
in ``personnel.imports`` and ``services.import_people``; these views only parse and render."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.exceptions import NotAllowed
from core.tabular import MAX_ROWS, XLSX_CONTENT_TYPE

from . import history_import, imports, services
from .views import filtered_roster

# The report lists every bad row; past this many the page says how many more there are.
REPORT_ROWS_SHOWN = 1000


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์ Excel (.xlsx) หรือ CSV"),
        help_text=_("ขนาดไม่เกิน 5 MB ใช้แบบฟอร์มที่ดาวน์โหลดจากหน้านี้"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    good_rows_only = forms.BooleanField(
        label=_("นำเข้าเฉพาะแถวที่ถูกต้อง (ข้ามแถวที่ผิด)"), required=False,
        help_text=_("ถ้าไม่เลือก และมีแถวที่ผิดแม้แถวเดียว จะไม่บันทึกข้อมูลใด ๆ"),
    )


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # national IDs: no copies in shared caches
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_people(request):
    if not imports.may_import(request.user):
        raise NotAllowed()
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = imports.run_import(
                actor=request.user, upload=form.cleaned_data["file"],
                good_rows_only=form.cleaned_data["good_rows_only"],
            )
            if report.file_error:
                form.add_error("file", report.file_error)
    else:
        form = ImportForm()
    return render(request, "personnel/import.html", {
        "form": form,
        "report": report,
        "problems": report.problems[:REPORT_ROWS_SHOWN] if report else [],
        "problems_hidden": max(0, len(report.problems) - REPORT_ROWS_SHOWN) if report else 0,
        "columns": imports.PERSON_COLUMNS,
        "max_rows": f"{MAX_ROWS:,}",
    })


@login_required
@require_GET
def import_template(request):
    if not imports.may_import(request.user):
        raise NotAllowed()
    return _xlsx(imports.template_workbook(request.user), "dlep-person-import-template.xlsx")


@login_required
@require_GET
def roster_export(request):
    """The roster page's list as Excel, with the same filters."""
    _form, _org, people = filtered_roster(request)
    today = timezone.localdate()
    return _xlsx(imports.roster_workbook(request.user, people), f"roster-{today:%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_history(request):
    """History lines (degrees, licences, positions …) from a file, with a row report."""
    if not imports.may_import(request.user):
        raise NotAllowed()
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        report = history_import.run_history_import(
            actor=request.user, upload=form.cleaned_data["file"],
            good_rows_only=form.cleaned_data["good_rows_only"],
        )
        if report.file_error:
            form.add_error("file", report.file_error)
    return render(request, "personnel/import_history.html", {
        "form": form, "report": report,
        "problems": report.problems[:REPORT_ROWS_SHOWN] if report else [],
        "kinds": sorted(services.HISTORY_KINDS),
    })
