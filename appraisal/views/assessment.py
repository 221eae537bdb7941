"""Pages of appraisal part 2 (seed 004 steps 3–5): the office's approval, draw and invitations,
the draw record with its verification, the assessor's queue, invitation, applicant's file and
score sheet, and the summary PDF. Thin: parse, call a service or a read function, render.
Anything out of the user's reach is a 404."""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from appraisal import rules, selectors
from appraisal.choices import ConflictKind, DrawOutcome, InvitationState, Side
from appraisal.forms.assessment import (
    ApproveForm,
    CommitmentForm,
    DeclineForm,
    DrawForm,
    ReasonForm,
)
from appraisal.models import Application, AssessorDraw, Invitation, ScoreSheet
from appraisal.services import checks, commitments, invitations, scoring
from appraisal.services import draw as draws
from core import kept
from core.html import table_rows
from core.templatetags.thai import thai_date
from core.views import not_found, show_errors
from personnel.choices import AcademicStanding
from personnel.models import Person

PAGE_SIZE = 50
REPORT_ROWS_SHOWN = 200
# the application's states in which its page shows the assessment section
ASSESSMENT_STATES = frozenset({"qualified", "panel_approved", "assessors_complete", "assessed"})




# --- the dashboard -------------------------------------------------------------------------------

def assessor_panel(user, membership):
    """On the dashboard: the registry for its keepers (a link, no query), and the user's own
    work as an assessor, on the first card only (one query a page)."""
    from accounts.dashboard import Panel, PanelItem

    items = []
    if membership.role in selectors.MANAGER_ROLES:
        items.append(PanelItem(label=_("บัญชีรายชื่อผู้ทรงคุณวุฒิ"), url=reverse("expert_list")))
    if not user.__dict__.get("_assessor_panel_done"):
        user.__dict__["_assessor_panel_done"] = True
        # kept between visits until an invitation, a sheet or an expert changes (core/kept.py;
        # appraisal/apps.py): most users are no assessor, and would pay a query a visit
        counts = kept.kept(kept.INVITATIONS, f"assessor-panel:{user.pk}:{user.date_joined}",
                           [kept.EVERYWHERE], lambda: dict(Invitation.objects.filter(
                               expert__user_id=user.pk,
                               state__in=[InvitationState.AWAITING, InvitationState.ACCEPTED],
                           ).exclude(state=InvitationState.ACCEPTED,
                                     sheet__submitted_at__isnull=False)
                               .values_list("state").annotate(n=Count("pk"))))
        if counts:
            url = reverse("assessor_queue")
            items += [PanelItem(label=_("คำเชิญเป็นกรรมการรอตอบรับ"),
                                value=counts.get(InvitationState.AWAITING, 0), url=url),
                      PanelItem(label=_("คำขอที่ต้องประเมิน"),
                                value=counts.get(InvitationState.ACCEPTED, 0), url=url)]
    if not items:
        return None
    return Panel(title=_("การประเมินโดยผู้ทรงคุณวุฒิ"), items=items)


# --- the office: approve, draw, cancel, the draw record, the summary ------------------------------

def _application_ornot_found(user, pk) -> Application:
    found = selectors.applications_for(user).select_related(
        "person", "organization", "office", "subject_area").filter(pk=pk).first()
    if found is None:
        raise not_found(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    return found


def _back(application_pk: int):
    return redirect(reverse("application_detail", args=[application_pk]) + "#assessment")


@login_required
@require_POST
def assessment_approve(request, pk):
    application = _application_ornot_found(request.user, pk)
    form = ApproveForm(request.POST)
    form.is_valid()
    try:
        draws.approve_for_assessment(application, actor=request.user,
                                     meeting_ref=form.cleaned_data.get("meeting_ref", ""),
                                     public_source=form.cleaned_data.get("public_source", ""))
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("บันทึกการอนุมัติแต่งตั้งคณะกรรมการประเมินแล้ว และเผยแพร่ค่าผูกมัด"
                                    "สำหรับการสุ่มแล้ว"))
    return _back(application.pk)


@login_required
@require_POST
def assessment_commit(request, pk):
    """A new commitment for the application's next draw (the last one was used)."""
    application = _application_ornot_found(request.user, pk)
    form = CommitmentForm(request.POST)
    form.is_valid()
    try:
        draws.publish_commitment(application, actor=request.user,
                                 public_source=form.cleaned_data.get("public_source", ""))
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("เผยแพร่ค่าผูกมัดสำหรับการสุ่มครั้งถัดไปแล้ว"))
    return _back(application.pk)


@login_required
@require_POST
def assessment_draw(request, pk):
    application = _application_ornot_found(request.user, pk)
    try:
        draw = draws.draw_assessors(application, actor=request.user,
                                    public_value=request.POST.get("public_value", ""))
    except ValidationError as error:
        show_errors(request, error)
    else:
        if draw.outcome == DrawOutcome.DRAWN:
            messages.success(request, _("สุ่มกรรมการประเมินได้ %(n)d คน และส่งคำเชิญแล้ว") % {
                "n": len(draw.picks)})
        else:
            messages.error(request, draws.short_pool_message(draw))
    return _back(application.pk)


@login_required
@require_POST
def invitation_cancel(request, pk):
    invitation = invitations.invitations_for(request.user).filter(pk=pk).select_related(
        "application").first()
    if invitation is None:
        raise not_found()
    form = ReasonForm(request.POST)
    try:
        invitations.cancel_invitation(invitation, actor=request.user,
                                      reason=form.data.get("reason", ""))
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("ยกเลิกคำเชิญแล้ว และสุ่มกรรมการแทน"))
    return _back(invitation.application_id)


@login_required
@require_safe
def draw_detail(request, pk):
    """The record of one draw, recomputed and checked on every view."""
    try:
        draw = draws.draw_for(request.user, pk)
    except AssessorDraw.DoesNotExist:
        raise not_found() from None
    if request.GET.get("format") == "json":
        # the record and its digest: what tools/verify_draw.py reads
        response = JsonResponse(draws.export_of(draw),
                                json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}.json"'
        return response
    result = draws.verify_draw(draw)
    named = draws.experts_named(draw.candidates and [int(k) for k in draw.candidates])
    excluded = [(named.get(int(k)), k, rules.EXCLUSION_REASONS.get(reason, reason),
                 _conflict_facts(reason, draw.candidates.get(k) or {}))
                for k, reason in sorted(draw.excluded.items(), key=lambda kv: int(kv[0]))]
    return render(request, "appraisal/draw_detail.html", {
        "draw": draw, "application": draw.application, "result": result,
        "commitment": draw.commitment, "method": rules.METHOD,
        "legacy": draw.version == rules.RECORD_LEGACY,
        "refill": draw.drawn_by_id is None and draw.trigger.startswith("refill:"),
        "trigger": rules.trigger_words(draw.trigger, draw.seats),
        "pool": [(i, named.get(i)) for i in draw.pool],
        "picks": [(seat, named.get(e), value) for seat, e, value in
                  zip(draw.seats, draw.picks, draw.values, strict=False)],
        "excluded": excluded,
        "short_message": draws.short_pool_message(draw)
        if draw.outcome == DrawOutcome.POOL_TOO_SMALL else "",
    })


def _conflict_facts(reason: str, facts: dict) -> str:
    """The recorded facts behind a conflict exclusion, in a line (the record holds them)."""
    if reason not in rules.CONFLICT_RULES:
        return ""
    if reason == "school_history":
        return "; ".join(_("%(school)s ตั้งแต่ %(start)s ถึง %(end)s") % {
            "school": p["school"], "start": p["from"], "end": p["to"] or _("ปัจจุบัน")}
            for p in facts.get("school_periods", []))
    return "; ".join(_("แจ้งความสัมพันธ์เลขที่ %(id)s (%(kind)s) จับคู่ด้วย%(match)s") % {
        "id": d["relation"], "kind": ConflictKind(d["kind"]).label,
        "match": MATCHED_BY.get(d["match"], d["match"])} for d in facts.get("declared", []))


MATCHED_BY = {"person": gettext_lazy("ทะเบียน ก.พ.7"),
              "national_id": gettext_lazy("เลขประจำตัวประชาชน"),
              "name": gettext_lazy("ชื่อและนามสกุล")}


@login_required
@require_safe
def draw_verifier(request):
    """tools/verify_draw.py, for anyone who wants to check a draw on their own computer."""
    path = settings.BASE_DIR / "tools" / "verify_draw.py"
    response = HttpResponse(path.read_bytes(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verify_draw.py"'
    return response


@login_required
@require_safe
def assessment_summary_pdf(request, pk):
    application = _application_ornot_found(request.user, pk)
    if not scoring.may_see_scores(request.user, application):
        raise not_found()
    from appraisal.documents import summary_pdf

    try:
        data = summary_pdf(application)
    except ValidationError as error:
        raise not_found(error.messages[0]) from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="assessment-{application.pk}.pdf"'
    return response


# --- the assessor ------------------------------------------------------------------------------

@login_required
def assessor_queue(request):
    """งานประเมินของฉัน: invitations awaiting a reply and the applications accepted."""
    awaiting, accepted = [], []
    standings = {value: str(label) for value, label in AcademicStanding.choices}
    done = format_html('<span class="badge bg-success">{}</span>', _("ส่งผลแล้ว"))
    open_ = format_html('<span class="badge bg-warning text-dark">{}</span>', _("ยังไม่ส่งผล"))
    sheet_label, full_name = _("แบบบันทึกผลการประเมิน"), Person.full_name_th.fget
    for i in invitations.assessor_queue(request.user):
        row = {
            "name": full_name(SimpleNamespace(title_th=i.application__person__title_th,
                                              first_name=i.application__person__first_name,
                                              last_name=i.application__person__last_name)),
            "unit": i.application__organization__name,
            "requested": standings.get(i.application__requested_standing,
                                       i.application__requested_standing),
            "area": i.application__subject_area__name or "",
        }
        if i.state == InvitationState.AWAITING:
            awaiting.append({**row, "url": reverse("invitation_detail", args=[i.pk]),
                             "reply_by": thai_date(i.reply_by)})
        else:
            accepted.append({**row, "url": reverse("assessor_application", args=[i.pk]),
                             "sheet_url": reverse("score_sheet", args=[i.pk]),
                             "sheet_label": sheet_label, "score_due": thai_date(i.score_due),
                             "badge": done if i.sheet__submitted_at else open_})
    return render(request, "appraisal/assessor_queue.html", {
        "awaiting": awaiting, "accepted": accepted,
        # invited at all means in the registry (no query more: the page's budget is 4)
        "is_expert": bool(awaiting or accepted),
        "awaiting_html": table_rows(AWAITING_ROW, awaiting),
        "accepted_html": table_rows(ACCEPTED_ROW, accepted),
    })


# The rows of the assessor's queue, as markup (core.html.table_rows, as the office's queue).
AWAITING_ROW = ('<tr data-testid="awaiting-row"><td><a href="{url}">{name}</a>'
                '<div class="small text-muted">{unit}</div></td><td>{requested}</td>'
                '<td>{area}</td><td>{reply_by}</td></tr>')
ACCEPTED_ROW = ('<tr data-testid="accepted-row"><td><a href="{url}" data-testid="open-application">'
                '{name}</a><div class="small text-muted">{unit}</div></td><td>{requested}</td>'
                '<td>{area}</td><td>{score_due}</td><td>{badge}</td><td>'
                '<a class="btn btn-sm btn-outline-primary" href="{sheet_url}" '
                'data-testid="open-score-sheet">{sheet_label}</a></td></tr>')


def _own_invitation(user, pk) -> Invitation:
    try:
        return invitations.own_invitation(user, pk)
    except Invitation.DoesNotExist:
        raise not_found() from None


@login_required
def invitation_detail(request, pk):
    invitation = _own_invitation(request.user, pk)
    return render(request, "appraisal/invitation_detail.html", {
        "invitation": invitation, "application": invitation.application,
        "can_reply": invitation.state == InvitationState.AWAITING
        and invitation.reply_by >= timezone.now(),
        "decline_form": DeclineForm(),
        # the text the assessor attests to, as it is kept (its translation only to read)
        "attestation": _(rules.attestation_text(invitation.attestation_version
                                                or rules.ATTESTATION_VERSION)),
        "attestation_version": invitation.attestation_version or rules.ATTESTATION_VERSION,
    })


@login_required
@require_POST
def invitation_reply(request, pk, answer):
    if answer not in ("accept", "decline"):
        raise not_found()
    invitation = _own_invitation(request.user, pk)
    try:
        if answer == "accept":
            invitations.accept_invitation(invitation, actor=request.user,
                                          attested=bool(request.POST.get("attest")))
        else:
            invitations.decline_invitation(
                invitation, actor=request.user, reason=request.POST.get("reason", ""),
                kind=request.POST.get("kind") or "other",
                conflict_kind=request.POST.get("conflict_kind") or None)
    except ValidationError as error:
        show_errors(request, error)
        return redirect("invitation_detail", invitation.pk)
    if answer == "accept":
        messages.success(request, _("ตอบรับแล้ว ท่านเปิดข้อมูลและหลักฐานของผู้ขอ และบันทึกผลการประเมินได้"))
        return redirect("assessor_application", invitation.pk)
    messages.success(request, _("ปฏิเสธคำเชิญแล้ว") if request.POST.get("kind") != "conflict"
                     else _("ปฏิเสธคำเชิญแล้ว และบันทึกความสัมพันธ์ที่มีส่วนได้เสียกับผู้ขอไว้แล้ว "
                            "หน่วยงานจะสุ่มกรรมการแทน"))
    return redirect("assessor_queue")


def _accepted(user, pk) -> Invitation:
    invitation = _own_invitation(user, pk)
    if invitation.state != InvitationState.ACCEPTED or not invitations.is_assessor(
            user, invitation.application):
        raise not_found()
    return invitation


@login_required
@require_safe
def assessor_application(request, pk):
    """The applicant's data and evidence, for an accepted assessor; videos play in the page
    (streamed through ``evidence_download``, with seeking)."""
    invitation = _accepted(request.user, pk)
    application = invitation.application
    files = list(application.files.order_by("slot", "position"))
    snapshot = application.snapshot or checks.applicant_snapshot(
        checks.load_person(application.person_id), application)
    return render(request, "appraisal/assessor_application.html", {
        "invitation": invitation, "application": application, "files": files,
        "snapshot": snapshot,
    })


def _sheet(user, pk) -> ScoreSheet:
    invitation = _accepted(user, pk)
    try:
        return scoring.own_sheet(user, invitation.pk)
    except ScoreSheet.DoesNotExist:
        raise not_found() from None


def _posted_scores(post, rubrics) -> tuple[dict, dict]:
    levels, notes = {}, {}
    for rubric in rubrics:
        for indicator in rubric.indicators.all():
            key = f"level-{indicator.pk}"
            if key in post:
                levels[str(indicator.pk)] = post.get(key) or None
        side = str(rubric.side)
        if f"strengths-{side}" in post or f"remarks-{side}" in post:
            notes[side] = {"strengths": post.get(f"strengths-{side}", ""),
                           "remarks": post.get(f"remarks-{side}", "")}
    return levels, notes


@login_required
def score_sheet(request, pk):
    """The score sheet: a level per indicator, strengths and remarks per side; drafts save by
    themselves (static/js/scoring.js) and with the button; "submit" locks it."""
    sheet = _sheet(request.user, pk)
    application = sheet.invitation.application
    try:
        rubrics = scoring.rubrics_for(application.requested_standing)
    except ValidationError as error:
        raise not_found(error.messages[0]) from None
    if request.method == "POST":
        levels, notes = _posted_scores(request.POST, rubrics)
        try:
            sheet = scoring.save_draft(sheet, actor=request.user, levels=levels, notes=notes)
            if request.POST.get("submit"):
                sheet = scoring.submit_score_sheet(sheet, actor=request.user)
                messages.success(request, _("ส่งผลการประเมินแล้ว แบบประเมินนี้แก้ไขไม่ได้อีก"))
            else:
                messages.success(request, _("บันทึกร่างแล้ว"))
        except ValidationError as error:
            show_errors(request, error)
        return redirect("score_sheet", pk)
    sides = []
    for rubric in rubrics:
        note = sheet.notes.get(str(rubric.side), {})
        sides.append({
            "rubric": rubric, "side": rubric.side,
            "indicators": [(i, sheet.levels.get(str(i.pk))) for i in rubric.indicators.all()],
            "best": sum(i.weight for i in rubric.indicators.all()) * max(rules.LEVELS),
            "strengths": note.get("strengths", ""), "remarks": note.get("remarks", ""),
            "percentage": sheet.percentages.get(str(rubric.side)),
        })
    return render(request, "appraisal/score_sheet.html", {
        "sheet": sheet, "invitation": sheet.invitation, "application": application,
        "sides": sides, "levels": rules.LEVELS, "locked": sheet.submitted_at is not None,
        "threshold": rules.SIDE_THRESHOLDS[application.requested_standing],
    })


@login_required
@require_POST
def score_sheet_draft(request, pk):
    """Autosave (JSON): ``{"levels": {id: 1–4|null}, "notes": {side: {...}}}`` → the saved
    percentages."""
    sheet = _sheet(request.user, pk)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": _("ข้อมูลไม่ถูกต้อง")}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"error": _("ข้อมูลไม่ถูกต้อง")}, status=400)
    try:
        sheet = scoring.save_draft(sheet, actor=request.user, levels=body.get("levels") or {},
                                   notes=body.get("notes") or {})
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"saved_at": timezone.localtime(sheet.updated_at).strftime("%H:%M:%S"),
                         "percentages": {side: rules.format_score(value)
                                         for side, value in sheet.percentages.items()}})


@login_required
@require_POST
def score_sheet_submit(request, pk):
    sheet = _sheet(request.user, pk)
    try:
        scoring.submit_score_sheet(sheet, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("ส่งผลการประเมินแล้ว แบบประเมินนี้แก้ไขไม่ได้อีก"))
    return redirect("score_sheet", pk)


# --- helpers for the application page's section (templatetags/assessment.py) -------------------

def section_context(user, application: Application) -> dict:
    """What the assessment section of the application's page shows to ``user``: everything to
    the office; to an assessor, a link to their own sheet only (never the others' scores).
    Nothing, and no query, before the office director's certification."""
    context = {"show": False, "application": application}
    if application.state not in ASSESSMENT_STATES:
        return context
    own = Invitation.objects.filter(application=application, expert__user_id=user.pk,
                                    state=InvitationState.ACCEPTED).first()
    if own is not None:
        context.update(show=True, own_invitation=own)
    if not scoring.may_see_scores(user, application):
        return context
    can_run = draws.may_run_assessment(user, application)
    invites = list(application.invitations.select_related("expert", "draw").order_by(
        "seat", "invited_at", "pk"))
    vacant = application.state == "panel_approved" and bool(draws.vacant_seats(application))
    commitment = commitments.current_commitment(application) \
        if application.state == "panel_approved" else None
    context.update(
        show=True, office=True,
        can_run=can_run and application.state in (
            "qualified", "panel_approved", "assessors_complete"),
        can_approve=can_run and application.state == "qualified",
        commitment=commitment,
        can_draw=can_run and vacant and commitment is not None,
        can_commit=can_run and vacant and commitment is None,
        draw_form=DrawForm(), commitment_form=CommitmentForm(),
        declared=draws.declared_against(application),
        invitations=invites,
        holding={InvitationState.AWAITING, InvitationState.ACCEPTED},
        draws=list(application.draws.order_by("sequence")),
        states=InvitationState,
        approve_form=ApproveForm(),
    )
    if application.state != "qualified":
        context["overview"] = scoring.overview(application)
        context["sides"] = [Side(s) for s in rules.sides_for(application.requested_standing)]
    return context
