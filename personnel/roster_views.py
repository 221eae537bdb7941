"""The school admin's roster work: approving staff registrations against the roster, and moving
records between units (ขอย้ายข้อมูล)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import national_id, scoping, staff_registration
from accounts.exceptions import NotAllowed
from accounts.rules import OrgKind
from accounts.scoping import Access
from core.forms import BootstrapForm

from . import selectors, services
from .models import MoveRequest, MoveStatus, Person


def _message(request, exc) -> None:
    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))


@login_required
def staff_registrations(request):
    pending = staff_registration.pending_for(request.user)
    if request.method == "POST":
        registration = pending.filter(pk=request.POST.get("registration") or 0).first()
        if registration is None:
            raise Http404(_("ไม่พบการลงทะเบียนนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        try:
            if request.POST.get("approve") == "1":
                services.approve_staff_registration(actor=request.user,
                                                    registration=registration)
                messages.success(request, _("อนุมัติแล้ว"))
            else:
                staff_registration.reject_staff(actor=request.user, registration=registration,
                                                reason=request.POST.get("reason", ""))
                messages.success(request, _("บันทึกว่าไม่อนุมัติแล้ว"))
        except (ValidationError, NotAllowed) as exc:
            _message(request, exc)
        return redirect("staff_registrations")
    rows = list(pending)
    people = {p.national_id: p for p in Person.objects.select_related("organization").filter(
        national_id__in=[r.user.national_id for r in rows])}
    table = []
    for r in rows:
        person = people.get(r.user.national_id)
        if person is None:
            match = "new"
        elif person.organization.path.startswith(r.school.path):
            match = "here"
        else:
            match = "elsewhere"
        differences = (selectors.roster_differences(person, r.user, r.birth_date)
                       if match == "here" else [])
        table.append({"registration": r, "person": person if match == "here" else None,
                      "match": match, "masked_id": national_id.mask(r.user.national_id),
                      "differences": differences})
    return render(request, "personnel/staff_registrations.html", {"rows": table})


class MoveForm(BootstrapForm):
    national_id = forms.CharField(label=gettext_lazy("เลขประจำตัวประชาชน"), max_length=20)
    to_organization = forms.ModelChoiceField(queryset=None, label=gettext_lazy("ย้ายมาสังกัด"))
    reason = forms.CharField(label=gettext_lazy("เหตุผล (เช่น เลขที่คำสั่งย้าย)"),
                             max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = scoping.organizations(
            user, Access.WORK).filter(kind=OrgKind.SCHOOL).order_by("path")


@login_required
def moves(request):
    reach = scoping.reach(request.user, Access.WORK)
    if reach.nothing:
        raise Http404(_("คุณไม่มีหน่วยงานที่ดูแลทะเบียนบุคลากร"))
    base = MoveRequest.objects.select_related("person", "from_organization", "to_organization",
                                              "requested_by")
    incoming = base.filter(reach.q("from_organization"), status=MoveStatus.PENDING)
    outgoing = base.filter(reach.q("to_organization")).exclude(
        reach.q("from_organization")).order_by("-requested_at")[:50]
    form = MoveForm(request.POST or None, user=request.user,
                    initial={"national_id": request.GET.get("national_id", "")})
    if request.method == "POST" and request.POST.get("decide"):
        move = incoming.filter(pk=request.POST.get("move") or 0).first()
        if move is None:
            raise Http404(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        try:
            services.decide_move(actor=request.user, move=move,
                                 accept=request.POST.get("decide") == "accept",
                                 reason=request.POST.get("reason", ""))
            messages.success(request, _("บันทึกผลการพิจารณาแล้ว"))
        except (ValidationError, NotAllowed) as exc:
            _message(request, exc)
        return redirect("moves")
    if request.method == "POST" and form.is_valid():
        try:
            services.request_move(actor=request.user,
                                  national_id_number=form.cleaned_data["national_id"],
                                  to_organization=form.cleaned_data["to_organization"],
                                  reason=form.cleaned_data["reason"])
        except (ValidationError, NotAllowed) as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("ส่งคำขอย้ายข้อมูลแล้ว รอหน่วยงานเดิมพิจารณา"))
            return redirect("moves")
    return render(request, "personnel/moves.html", {
        "incoming": incoming.order_by("requested_at"), "outgoing": outgoing, "form": form,
    })
