"""Pages of the committees (issue 7): committees and members, meetings, building an agenda item
by filtering and ticking applications, its Word/Excel documents, the resolution, notifying
results, appointment orders, the honoraria report. Thin: parse, call a service or a selector,
render. Anything out of the user's reach is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.exceptions import NotAllowed
from appraisal.forms.assessment import CommitmentForm, DrawForm
from appraisal.models import AssessorDraw

from . import authority, documents, orders, selectors, services
from . import honoraria as honoraria_report
from .forms import (
    RESOLUTION_CHOICES,
    ItemFilterForm,
    ItemTextsForm,
    MeetingForm,
    MemberForm,
    OrderForm,
    RatesForm,
)
from .models import (
    AgendaItem,
    AppointmentOrder,
    Committee,
    CommitteeMember,
    ItemKind,
    Meeting,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _404():
    return Http404(_("ไม่พบรายการนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _run(request, fn, **kwargs):
    """Call a service; a refusal becomes a message (NotAllowed: 404, as out of reach)."""
    try:
        return fn(**kwargs), True
    except NotAllowed:
        raise _404() from None
    except ValidationError as error:
        _errors(request, error)
        return None, False


def _committee(user, pk) -> Committee:
    found = selectors.committees_for(user).filter(pk=pk).first()
    if found is None:
        raise _404()
    return found


def _meeting(user, pk) -> Meeting:
    try:
        return selectors.meeting_detail(user, pk)
    except Meeting.DoesNotExist:
        raise _404() from None


def _item(user, pk) -> AgendaItem:
    try:
        return selectors.item_detail(user, pk)
    except AgendaItem.DoesNotExist:
        raise _404() from None


def _order(user, pk) -> AppointmentOrder:
    try:
        return selectors.order_detail(user, pk)
    except AppointmentOrder.DoesNotExist:
        raise _404() from None


def _file(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _thai(request) -> bool:
    return request.GET.get("thai") in ("1", "on", "true")


# --- committees and the secretary's dashboard ---------------------------------------------------

@login_required
@require_safe
def committee_list(request):
    committees = list(selectors.committees_for(request.user).order_by("province__name", "kind"))
    return render(request, "committees/committee_list.html", {
        "committees": committees,
        "waiting": selectors.waiting_counts(committees),
        "meetings": selectors.meeting_list(request.user)[:10],
    })


@login_required
@require_safe
def committee_detail(request, pk):
    committee = _committee(request.user, pk)
    return render(request, "committees/committee_detail.html", {
        "committee": committee,
        "members": committee.members.all(),
        "meetings": selectors.meeting_list(request.user).filter(committee=committee),
        "orders": selectors.orders_for(request.user).filter(committee=committee),
        "member_form": MemberForm(), "meeting_form": MeetingForm(),
        "waiting": selectors.waiting_counts([committee]),
        "is_secretary": services.is_secretary(request.user, committee),
    })


@login_required
@require_POST
def member_add(request, pk):
    committee = _committee(request.user, pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        _run(request, services.add_member, actor=request.user, committee=committee,
             **form.cleaned_data)
    else:
        messages.error(request, _("กรุณากรอกข้อมูลกรรมการให้ครบ"))
    return redirect("committee_detail", pk=committee.pk)


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    committee = _committee(request.user, pk)
    member = CommitteeMember.objects.filter(committee=committee, pk=member_pk).first()
    if member is None:
        raise _404()
    _run(request, services.remove_member, actor=request.user, member=member)
    return redirect("committee_detail", pk=committee.pk)


@login_required
@require_POST
def meeting_create(request, pk):
    committee = _committee(request.user, pk)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("กรุณากรอกข้อมูลการประชุมให้ครบ"))
        return redirect("committee_detail", pk=committee.pk)
    meeting, ok = _run(request, services.create_meeting, actor=request.user,
                       committee=committee, **form.cleaned_data)
    if ok:
        messages.success(request, _("บันทึกการประชุมแล้ว"))
        return redirect("meeting_detail", pk=meeting.pk)
    return redirect("committee_detail", pk=committee.pk)


# --- meetings and items ------------------------------------------------------------------------

@login_required
@require_safe
def meeting_list(request):
    return render(request, "committees/meeting_list.html", {
        "meetings": selectors.meeting_list(request.user)})


@login_required
@require_safe
def meeting_detail(request, pk):
    meeting = _meeting(request.user, pk)
    return render(request, "committees/meeting_detail.html", {
        "meeting": meeting, "items": meeting.items.all(), "kinds": ItemKind.choices})


@login_required
def item_build(request, pk):
    """Filter the committee's eligible applications and tick those for a new item."""
    meeting = _meeting(request.user, pk)
    committee = meeting.committee
    source = request.POST if request.method == "POST" else request.GET
    filters = ItemFilterForm(source or None)
    kind, standing, q = ItemKind.PANELS, "", ""
    if filters.is_valid():
        kind = filters.cleaned_data["kind"]
        standing = filters.cleaned_data["standing"]
        q = filters.cleaned_data["q"]
    if request.method == "POST":
        texts = ItemTextsForm(request.POST)
        texts.is_valid()
        item, ok = _run(request, services.create_item, actor=request.user, meeting=meeting,
                        kind=kind, applications=[int(i) for i in request.POST.getlist(
                            "application") if i.isdigit()],
                        public_source=request.POST.get("public_source", "")[:300],
                        **texts.cleaned_data)
        if ok:
            messages.success(request, _("สร้างระเบียบวาระแล้ว"))
            return redirect("item_detail", pk=item.pk)
    eligible = list(selectors.eligible_for_item(committee, kind, standing=standing, q=q)[:500])
    return render(request, "committees/item_build.html", {
        "meeting": meeting, "filters": filters if filters.is_bound else ItemFilterForm(),
        "kind": kind, "eligible": eligible, "texts": ItemTextsForm(),
        "source_form": CommitmentForm(),
        "decisions": selectors.decisions_of(eligible) if kind == ItemKind.RESULTS else {},
    })


@login_required
def item_detail(request, pk):
    item = _item(request.user, pk)
    if request.method == "POST":
        form = ItemTextsForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k in request.POST}
            _result, ok = _run(request, services.update_item_texts, actor=request.user, item=item,
                         **data)
            if ok:
                messages.success(request, _("บันทึกแล้ว"))
        return redirect("item_detail", pk=item.pk)
    entries = list(item.entries.all())
    resolution = getattr(item, "resolution", None) if hasattr(item, "resolution") else None
    return render(request, "committees/item_detail.html", {
        "item": item, "meeting": item.meeting, "entries": entries, "resolution": resolution,
        "counts": services.standing_counts(entries, by_decision=True)
        if item.kind == ItemKind.RESULTS else services.standing_counts(entries),
        "texts": ItemTextsForm(initial={f: getattr(item, f) for f in ItemTextsForm.base_fields}),
        "choices": RESOLUTION_CHOICES, "results": item.kind == ItemKind.RESULTS,
        "panels": item.kind == ItemKind.PANELS, "commitment": item.commitment,
        "pending_draws": services.pending_draws(item) if resolution else [],
        "draw_form": DrawForm(),
        "item_draws": list(AssessorDraw.objects.filter(commitment_id=item.commitment_id)
                           .select_related("application__person").order_by("pk"))
        if item.commitment_id else [],
        "may_resolve": services.may_resolve_on(item.meeting),
    })


@login_required
@require_POST
def item_resolve(request, pk):
    item = _item(request.user, pk)
    decisions = {e.application_id: request.POST.get(f"decision_{e.application_id}", "")
                 for e in item.entries.all()}
    _result, ok = _run(request, services.record_resolution, actor=request.user, item=item,
                 decisions=decisions, decision=request.POST.get("decision") or None,
                 note=request.POST.get("note", ""), draw_now=bool(request.POST.get("draw_now")),
                 public_value=request.POST.get("public_value", ""))
    if ok:
        messages.success(request, _("บันทึกมติที่ประชุมแล้ว"))
    return redirect("item_detail", pk=item.pk)


@login_required
@require_POST
def item_draw(request, pk):
    """The draw of the item's approved applications after the meeting (issue 19)."""
    item = _item(request.user, pk)
    done, ok = _run(request, services.draw_item, actor=request.user, item=item,
                    public_value=request.POST.get("public_value", ""))
    if ok:
        messages.success(request, _("สุ่มกรรมการประเมินแล้ว %(n)s ราย และเปิดเผยเมล็ดสุ่มแล้ว") % {
            "n": len(done)})
    return redirect("item_detail", pk=item.pk)


@login_required
@require_POST
def item_notify(request, pk):
    item = _item(request.user, pk)
    count, ok = _run(request, services.notify_results, actor=request.user, item=item,
                     confirmed=bool(request.POST.get("confirm")))
    if ok:
        messages.success(request, _("แจ้งผลการประเมินแล้ว %(n)s ราย") % {"n": count})
    return redirect("item_detail", pk=item.pk)


@login_required
@require_safe
def meeting_agenda_docx(request, pk):
    """Every item of the meeting in one Word document."""
    meeting = _meeting(request.user, pk)
    return _file(documents.meeting_agenda_docx(meeting, _items(request.user, meeting),
                                               thai=_thai(request)), DOCX,
                 f"agenda-{meeting.number}-{meeting.year_be}.docx")


@login_required
@require_safe
def meeting_minutes_docx(request, pk):
    """The draft minutes (รายงานการประชุม) from the recorded resolutions."""
    meeting = _meeting(request.user, pk)
    return _file(documents.minutes_docx(meeting, _items(request.user, meeting),
                                        thai=_thai(request)), DOCX,
                 f"minutes-{meeting.number}-{meeting.year_be}.docx")


def _items(user, meeting):
    return selectors.items_of_meeting(user, meeting)


@login_required
@require_safe
def item_docx(request, pk):
    item = _item(request.user, pk)
    return _file(documents.agenda_docx(item, thai=_thai(request)), DOCX,
                 f"agenda-{item.meeting.number}-{item.meeting.year_be}-{item.order}.docx")


@login_required
@require_safe
def item_xlsx(request, pk):
    item = _item(request.user, pk)
    return _file(documents.annex_xlsx(item, thai=_thai(request)), XLSX,
                 f"annex-{item.meeting.number}-{item.meeting.year_be}-{item.order}.xlsx")


# --- appointment orders ------------------------------------------------------------------------

@login_required
def order_create(request, pk):
    committee = _committee(request.user, pk)
    form = OrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ids = [int(i) for i in request.POST.getlist("application") if i.isdigit()]
        order, ok = _run(request, services.create_order, actor=request.user,
                         committee=committee, applications=ids, **form.cleaned_data)
        if ok:
            messages.success(request, _("สร้างคำสั่งแล้ว"))
            return redirect("order_detail", pk=order.pk)
    return render(request, "committees/order_create.html", {
        "committee": committee, "form": form,
        "eligible": selectors.eligible_for_order(committee)[:500]})


@login_required
@require_safe
def order_detail(request, pk):
    order = _order(request.user, pk)
    entries = list(order.entries.all())
    issuer = orders.issuer_of(order)
    meetings = sorted({m.pk: m for m in services.resolutions_of(
        [e.application for e in entries]).values()}.values(), key=lambda m: (m.date, m.pk))
    return render(request, "committees/order_detail.html", {
        "order": order, "entries": entries, "meetings": meetings,
        "title": _("คำสั่ง%(lao)s") % {"lao": authority.lao_full_name(issuer)} if issuer
        else _("คำสั่ง")})


@login_required
@require_POST
def order_appoint(request, pk):
    order = _order(request.user, pk)
    count, ok = _run(request, services.mark_appointed, actor=request.user, order=order)
    if ok:
        messages.success(request, _("บันทึกการแต่งตั้งแล้ว %(n)s ราย") % {"n": count})
    return redirect("order_detail", pk=order.pk)


@login_required
@require_safe
def order_pdf(request, pk):
    order = _order(request.user, pk)
    return _file(orders.order_pdf(order, thai=_thai(request)), "application/pdf",
                 f"order-{order.number}-{order.year_be}.pdf")


@login_required
@require_safe
def order_docx(request, pk):
    order = _order(request.user, pk)
    return _file(orders.order_docx(order, thai=_thai(request)), DOCX,
                 f"order-{order.number}-{order.year_be}.docx")


# --- the honoraria report ----------------------------------------------------------------------

@login_required
def honoraria(request, pk):
    """The seed's report by meeting date and per assessor with the amounts; the secretary sets
    the committee's rates here (the seed gives none)."""
    committee = _committee(request.user, pk)
    if request.method == "POST":
        form = RatesForm(request.POST)
        if form.is_valid():
            _result, ok = _run(request, services.set_honorarium_rates, actor=request.user,
                               committee=committee, amounts=form.cleaned_data)
            if ok:
                messages.success(request, _("บันทึกอัตราค่ารางวัลแล้ว"))
        else:
            messages.error(request, _("จำนวนเงินไม่ถูกต้อง"))
        return redirect("committee_honoraria", pk=committee.pk)
    if request.GET.get("format") == "xlsx":
        return _file(honoraria_report.honoraria_xlsx([committee], thai=_thai(request)), XLSX,
                     f"honoraria-{committee.pk}.xlsx")
    rates = {s: r for (_c, s), r in honoraria_report.rates_of([committee]).items()}
    return render(request, "committees/honoraria.html", {
        "committee": committee, "rows": honoraria_report.date_rows([committee]),
        "assessors": honoraria_report.assessor_rows([committee]),
        "standings": services.STANDING_ORDER, "rates_form": RatesForm(initial=rates),
        "has_rates": bool(rates),
        "is_secretary": services.is_secretary(request.user, committee),
    })
