"""Pages of credential issuing: start a job, watch its progress, download its two files.

A job and its files are the requester's alone (the files hold one-time passwords in plain
text): anyone else, whatever their role, gets a 404.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.tabular import XLSX_CONTENT_TYPE

from . import issuing
from .exceptions import NotAllowed
from .models import IssuingJob, JobStatus, Organization

RECENT_JOBS = 20


class StartForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=gettext_lazy("หน่วยงาน"),
        help_text=gettext_lazy("ระบบจะสร้างบัญชีผู้ดูแลที่ยังขาดของหน่วยงานนี้และหน่วยงานในสังกัด"),
        error_messages={"invalid_choice": gettext_lazy(
            "ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์ออกบัญชีผู้ใช้ให้หน่วยงานนี้")},
    )
    reissue_username = forms.CharField(
        label=gettext_lazy("ออกรหัสผ่านใหม่ให้บัญชี (ชื่อผู้ใช้)"), required=False, max_length=150,
        help_text=gettext_lazy(
            "เว้นว่างไว้เพื่อสร้างบัญชีผู้ดูแลที่ยังขาดทั้งหมด หรือกรอกชื่อผู้ใช้ของผู้ดูแลในหน่วยงานที่เลือก"
            " เพื่อออกรหัสผ่านครั้งแรกใหม่ให้ (รหัสผ่านเดิมจะใช้ไม่ได้ทันทีที่ออกเสร็จ)"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        # Any organisation the user may issue for is accepted; the dropdown offers the upper
        # levels (a whole country of schools would not fit), a single school comes from its
        # organisation page (?org=).
        field.queryset = issuing.startable_organizations(user)
        offered = list(issuing.dropdown_organizations(user))
        chosen = self.initial.get("organization")
        if self.is_bound and str(self.data.get("organization", "")).isdigit():
            chosen = field.queryset.filter(pk=self.data["organization"]).first()
        if chosen is not None and chosen not in offered:
            offered.append(chosen)
        base = min((o.depth for o in offered), default=1)
        field.choices = [("", "---------")] + [
            (o.pk, f"{'— ' * (o.depth - base)}{o.name} ({o.code})") for o in offered
        ]


def _job_or_404(user, pk) -> IssuingJob:
    job = issuing.jobs_for(user).filter(pk=pk).first()
    if job is None:
        raise Http404(_("ไม่พบงานออกบัญชีนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    return job


@login_required
@require_http_methods(["GET", "POST"])
def issuing_start(request):
    if not issuing.startable_organizations(request.user).exists():
        raise NotAllowed(_("คุณไม่มีสิทธิ์ออกบัญชีผู้ใช้ให้หน่วยงานใด"))
    initial = {}
    if request.method == "GET":
        org = issuing.startable_organizations(request.user).filter(
            pk=request.GET.get("org") if (request.GET.get("org") or "").isdigit() else None
        ).first()
        initial = {"organization": org, "reissue_username": request.GET.get("reissue", "")}
    form = StartForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        username = form.cleaned_data["reissue_username"].strip()
        try:
            reissue_user = issuing.find_reissue_user(username) if username else None
            job = issuing.start_issuing(actor=request.user, organization=org,
                                        reissue_user=reissue_user)
        except (ValidationError, NotAllowed) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                form.add_error(None, message)
        else:
            return redirect("issuing_detail", job.pk)
    return render(request, "accounts/issuing.html", {
        "form": form,
        "jobs": issuing.jobs_for(request.user)[:RECENT_JOBS],
    })


def _progress(job: IssuingJob) -> dict:
    finished = job.status == JobStatus.DONE
    return {
        "id": job.pk,
        "status": job.status,
        "status_display": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "error": job.error,
        "pdf_url": reverse("issuing_pdf", args=[job.pk]) if finished and job.pdf else None,
        "xlsx_url": reverse("issuing_xlsx", args=[job.pk]) if finished and job.xlsx else None,
    }


@login_required
@require_GET
def issuing_detail(request, pk):
    job = _job_or_404(request.user, pk)
    response = render(request, "accounts/issuing_detail.html", {
        "job": job, "progress": _progress(job),
        "finished": job.status in (JobStatus.DONE, JobStatus.FAILED),
    })
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def issuing_progress(request, pk):
    response = JsonResponse(_progress(_job_or_404(request.user, pk)))
    response["Cache-Control"] = "no-store"
    return response


def _download(job: IssuingJob, field: str, content_type: str, filename: str):
    file = getattr(job, field)
    if job.status != JobStatus.DONE or not file:
        raise Http404(_("ยังไม่มีไฟล์ของงานนี้"))
    response = FileResponse(file.open("rb"), content_type=content_type, as_attachment=True,
                            filename=filename)
    response["Cache-Control"] = "no-store"  # one-time passwords: no copies in any cache
    return response


@login_required
@require_GET
def issuing_pdf(request, pk):
    job = _job_or_404(request.user, pk)
    return _download(job, "pdf", "application/pdf",
                     f"dlep-slips-{job.organization.code}-{job.pk}.pdf")


@login_required
@require_GET
def issuing_xlsx(request, pk):
    job = _job_or_404(request.user, pk)
    return _download(job, "xlsx", XLSX_CONTENT_TYPE,
                     f"dlep-accounts-{job.organization.code}-{job.pk}.xlsx")
