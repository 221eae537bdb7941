"""Pages of data certification: the province dashboard and the LAO's certification page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import scoping
from accounts.exceptions import NotAllowed
from accounts.models import Organization
from accounts.rules import OrgKind
from accounts.scoping import Access

from . import rules, selectors, services
from .models import CertificationRound, LaoCertification


class RoundForm(forms.Form):
    province = forms.ModelChoiceField(queryset=Organization.objects.none(),
                                      label=gettext_lazy("จังหวัด"))
    fiscal_year_be = forms.IntegerField(label=gettext_lazy("ปีงบประมาณ (พ.ศ.)"), min_value=2560,
                                        max_value=2700)
    deadline = forms.DateField(label=gettext_lazy("กำหนดส่ง"),
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = scoping.organizations(
            user, Access.ADMINISTER).filter(kind=OrgKind.PROVINCE)


def _round_for(user, pk) -> CertificationRound:
    round_ = CertificationRound.objects.select_related("province").filter(pk=pk).first()
    if round_ is None or not selectors.certification_rounds_for(user).filter(pk=pk).exists():
        raise Http404(_("ไม่พบรอบการรับรองข้อมูลนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    return round_


@login_required
def certification_index(request):
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.open_certification_round(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("เปิดรอบการรับรองข้อมูลแล้ว"))
            return redirect("certification_round", round_.pk)
    rounds = selectors.certification_rounds_for(request.user).select_related("province")
    return render(request, "personnel/certification_index.html", {
        "rounds": rounds.order_by("-fiscal_year_be", "province__name"),
        "form": form if form.fields["province"].queryset.exists() else None,
    })


@login_required
def certification_round(request, pk):
    round_ = _round_for(request.user, pk)
    today = timezone.localdate()
    province_view = scoping.can_work_on(request.user, round_.province)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "verify":
                cert = get_object_or_404(LaoCertification, pk=request.POST.get("certification"),
                                         round=round_)
                services.verify_lao(actor=request.user, certification=cert)
                messages.success(request, _("จังหวัดรับรองข้อมูลของ %(lao)s แล้ว") %
                                 {"lao": cert.lao.name})
            elif action == "remind":
                n = services.send_certification_reminders(actor=request.user, round_=round_,
                                                          today=today)
                messages.success(request, _("ส่งอีเมลแจ้งเตือน อปท. ที่ล่าช้า %(n)d แห่งแล้ว") %
                                 {"n": n})
            else:
                messages.error(request, _("ไม่รู้จักคำสั่งนี้"))
        except (ValidationError, NotAllowed) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("certification_round", round_.pk)
    laos = None if province_view else scoping.organizations(request.user, Access.WORK).filter(
        kind=OrgKind.LAO)
    overview = selectors.certification_overview(round_, today, laos=laos)
    return render(request, "personnel/certification_round.html", {
        "overview": overview, "round": round_, "today": today, "province_view": province_view,
        "chart": {
            "labels": [r.lao.name for r in overview.rows],
            "complete": [r.percent_complete for r in overview.rows],
            "certified_share": overview.certified_share,
            "target": rules.COMPLETE_LAO_TARGET_PERCENT,
        },
    })


@login_required
def certification_lao(request, pk, lao_pk):
    round_ = _round_for(request.user, pk)
    lao = scoping.organizations(request.user, Access.WORK).filter(
        pk=lao_pk, kind=OrgKind.LAO, path__startswith=round_.province.path).first()
    if lao is None:
        raise Http404(_("ไม่พบ อปท. นี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    today = timezone.localdate()
    if request.method == "POST":
        try:
            services.certify_lao(actor=request.user, lao=lao, round_=round_, today=today)
        except (ValidationError, NotAllowed) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("รับรองข้อมูลบุคลากรของ %(lao)s แล้ว") % {"lao": lao.name})
        return redirect("certification_lao", round_.pk, lao.pk)
    people = selectors.with_completeness(
        selectors.people_for(request.user).filter(
            organization__path__startswith=lao.path, status="active"
        ).select_related("organization"), today).order_by("first_name", "last_name")
    incomplete = []
    total = 0
    for person in people:
        total += 1
        c = rules.completeness(selectors.record_facts(person))
        if not c.complete:
            incomplete.append((person, c))
    return render(request, "personnel/certification_lao.html", {
        "round": round_, "lao": lao, "total": total, "incomplete": incomplete,
        "certification": LaoCertification.objects.filter(round=round_, lao=lao).first(),
        "overdue": today > round_.deadline,
    })


