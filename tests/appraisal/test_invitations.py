"""Invitations to assess (seed 004 step 4; issue 6 items 3–4): accept, decline, time out,
cancel, the refill draw, the guardian grant an accepted assessor reads the application with, and
the assessor's pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import NotAllowed
from accounts.models import Membership, Notification
from accounts.rules import Role
from appraisal import selectors
from appraisal import tasks as assessment_tasks
from appraisal.choices import ApplicationState, InvitationState
from appraisal.models import AssessorDraw, Invitation, ScoreSheet
from appraisal.services import draw as draws
from appraisal.services import invitations, scoring
from tests.appraisal.assessment_factories import (
    accept_all,
    approved_application,
    client_of,
    drawn,
    full_levels,
    make_expert,
)
from tests.querybudget import assert_query_budget

pytestmark = pytest.mark.django_db


def invited(application):
    return list(application.invitations.filter(state=InvitationState.AWAITING)
                .select_related("expert__user").order_by("seat"))


def test_accepting_grants_exactly_the_assigned_application(world):
    application, _pool, _draw = drawn(world.a)
    elsewhere, _p, _d = drawn(world.a)  # another application in the same province
    first = invited(application)[0]
    user = first.expert.user
    assert not selectors.applications_for(user).filter(pk=application.pk).exists()
    invitations.accept_invitation(first, actor=user, attested=True)
    first.refresh_from_db()
    assert first.state == InvitationState.ACCEPTED
    assert first.score_due == timezone.localdate() + datetime.timedelta(days=30)
    assert ScoreSheet.objects.filter(invitation=first).exists()
    assert list(selectors.applications_for(user)) == [application]
    assert invitations.is_assessor(user, application)
    assert not invitations.is_assessor(user, elsewhere)
    assert application.events.filter(action="invitation_reply").exists()


def test_the_third_acceptance_makes_the_application_complete(world):
    application, _pool, _draw = drawn(world.a)
    rows = invited(application)
    for invitation in rows[:2]:
        invitations.accept_invitation(invitation, actor=invitation.expert.user, attested=True)
    application.refresh_from_db()
    assert application.state == ApplicationState.PANEL_APPROVED
    invitations.accept_invitation(rows[2], actor=rows[2].expert.user, attested=True)
    application.refresh_from_db()
    assert application.state == ApplicationState.ASSESSORS_COMPLETE
    assert Notification.objects.filter(
        user=world.a.users[Role.OFFICER], subject__startswith="ได้กรรมการประเมินครบ 3 คน").exists()


def test_only_the_invited_expert_replies_and_only_in_time(world):
    application, _pool, _draw = drawn(world.a)
    first, second = invited(application)[:2]
    for stranger in (second.expert.user, world.a.users[Role.OFFICER], application.person.user):
        with pytest.raises(NotAllowed):
            invitations.accept_invitation(first, actor=stranger, attested=True)
    Invitation.objects.filter(pk=first.pk).update(
        reply_by=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="หมดเวลา"):
        invitations.accept_invitation(first, actor=first.expert.user, attested=True)
    with pytest.raises(ValidationError, match="เหตุผล"):
        invitations.decline_invitation(second, actor=second.expert.user, reason="  ")
    invitations.accept_invitation(second, actor=second.expert.user, attested=True)
    with pytest.raises(ValidationError, match="ตอบรับแล้ว"):
        invitations.accept_invitation(second, actor=second.expert.user, attested=True)


def test_a_decline_is_refilled_by_a_new_draw_under_the_same_rules(world):
    application, pool, first_draw = drawn(world.a, pool=4)
    declining = invited(application)[1]
    invitations.decline_invitation(declining, actor=declining.expert.user,
                                   reason="มีส่วนได้เสียกับผู้ขอ")
    declining.refresh_from_db()
    assert declining.state == InvitationState.DECLINED
    assert declining.decline_reason == "มีส่วนได้เสียกับผู้ขอ"
    refill = application.draws.get(sequence=2)
    assert refill.drawn_by is None
    assert refill.trigger == f"refill:declined:{declining.pk}"
    assert refill.seats == [declining.seat]
    # the one expert left is the only one eligible: the decliner and the seated are out
    spare = next(e.pk for e in pool if e.pk not in first_draw.picks)
    assert refill.pool == [spare]
    assert refill.picks == [spare]
    assert refill.excluded[str(declining.expert_id)] == "spent"
    assert draws.verify_draw(refill).ok
    holder = application.invitations.get(seat=declining.seat, state=InvitationState.AWAITING)
    assert holder.expert_id == spare


def test_a_refill_with_nobody_left_says_so_to_the_office(world):
    application, _pool, _draw = drawn(world.a, pool=3)
    declining = invited(application)[0]
    invitations.decline_invitation(declining, actor=declining.expert.user, reason="ติดราชการ")
    refill = application.draws.get(sequence=2)
    assert refill.outcome == "pool_too_small"
    note = Notification.objects.filter(user=world.a.users[Role.OFFICER],
                                       subject__contains="ปฏิเสธ").latest("pk")
    assert "ต้องการ 1 คน" in note.body


def test_the_beat_task_times_out_late_replies_and_refills(world, settings):
    application, _pool, _draw = drawn(world.a, pool=5)
    late = invited(application)[0]
    Invitation.objects.filter(pk=late.pk).update(
        reply_by=timezone.now() - datetime.timedelta(seconds=1))
    assert assessment_tasks.expire_invitations.apply().get() == 1
    late.refresh_from_db()
    assert late.state == InvitationState.TIMED_OUT
    refill = application.draws.get(sequence=2)
    assert refill.trigger == f"refill:timed_out:{late.pk}"
    assert application.invitations.filter(seat=late.seat,
                                          state=InvitationState.AWAITING).count() == 1
    assert assessment_tasks.expire_invitations.apply().get() == 0  # idempotent
    assert "assessment-expire-invitations" in settings.CELERY_BEAT_SCHEDULE


def test_cancelling_takes_the_grant_back_and_refills(world):
    application, _pool, _draw = drawn(world.a, pool=5)
    rows = accept_all(application)
    application.refresh_from_db()
    assert application.state == ApplicationState.ASSESSORS_COMPLETE
    gone = rows[0]
    with pytest.raises(NotAllowed):
        invitations.cancel_invitation(gone, actor=gone.expert.user, reason="x")
    with pytest.raises(ValidationError, match="เหตุผล"):
        invitations.cancel_invitation(gone, actor=world.a.users[Role.OFFICER], reason="")
    invitations.cancel_invitation(gone, actor=world.a.users[Role.OFFICER],
                                  reason="พบว่าเป็นญาติกับผู้ขอ")
    gone.refresh_from_db()
    assert gone.state == InvitationState.CANCELLED
    assert not invitations.is_assessor(gone.expert.user, application)
    assert not selectors.applications_for(gone.expert.user).exists()
    application.refresh_from_db()
    assert application.state == ApplicationState.PANEL_APPROVED
    assert application.draws.filter(sequence=2, outcome="drawn").exists()
    # a submitted sheet cannot be cancelled
    keep = rows[1]
    sheet = keep.sheet
    scoring.save_draft(sheet, actor=keep.expert.user, levels=full_levels(sheet))
    scoring.submit_score_sheet(sheet, actor=keep.expert.user)
    with pytest.raises(ValidationError, match="ส่งผลการประเมินแล้ว"):
        invitations.cancel_invitation(keep, actor=world.a.users[Role.OFFICER], reason="x")


def test_the_assessor_from_another_province_reads_the_evidence(world):
    application, _pool, _draw = drawn(world.a)  # experts of province B (tests' default pool)
    first = invited(application)[0]
    user = first.expert.user
    video = application.files.get(slot="teaching_video")
    url = reverse("evidence_download", args=[video.pk])
    client = client_of(user)
    assert client.get(url).status_code == 404  # not before accepting
    assert client.get(reverse("assessor_application", args=[first.pk])).status_code == 404
    invitations.accept_invitation(first, actor=user, attested=True)
    page = client.get(reverse("assessor_application", args=[first.pk]))
    assert page.status_code == 200
    assert 'data-testid="evidence-video"' in page.content.decode()
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Content-Type"] == "video/mp4"
    assert len(b"".join(whole.streaming_content)) == video.size
    part = client.get(url, headers={"Range": "bytes=2-9"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 2-9/{video.size}"
    assert len(b"".join(part.streaming_content)) == 8
    # the state JSON too, but never an upload
    assert client.get(reverse("evidence_state", args=[application.pk])).status_code == 200
    # cancelled: gone again
    invitations.cancel_invitation(first, actor=world.a.users[Role.OFFICER], reason="ขัดกัน")
    assert client.get(url).status_code == 404


def test_the_pages_of_the_invited_expert(world):
    application, _pool, _draw = drawn(world.a)
    first, second = invited(application)[:2]
    client = client_of(first.expert.user)
    queue = client.get(reverse("assessor_queue")).content.decode()
    assert application.person.full_name_th in queue
    detail = client.get(reverse("invitation_detail", args=[first.pk]))
    assert 'data-testid="invitation-accept"' in detail.content.decode()
    # another expert's invitation is not there
    assert client.get(reverse("invitation_detail", args=[second.pk])).status_code == 404
    assert client.post(reverse("invitation_reply", args=[second.pk, "accept"])).status_code == 404
    # without the attestation ticked: refused, back to the invitation, nothing changed
    response = client.post(reverse("invitation_reply", args=[first.pk, "accept"]))
    assert response["Location"] == reverse("invitation_detail", args=[first.pk])
    first.refresh_from_db()
    assert first.state == InvitationState.AWAITING
    response = client.post(reverse("invitation_reply", args=[first.pk, "accept"]),
                           {"attest": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessor_application", args=[first.pk])
    other = client_of(second.expert.user)
    response = other.post(reverse("invitation_reply", args=[second.pk, "decline"]),
                          {"reason": "ไม่สะดวกช่วงนี้"})
    assert response["Location"] == reverse("assessor_queue")
    second.refresh_from_db()
    assert second.state == InvitationState.DECLINED
    # the dashboard shows the work
    dashboard = client_of(first.expert.user).get(reverse("dashboard"))
    assert dashboard.status_code == 200


def test_the_office_section_shows_the_invitations(world):
    application, _pool, _draw = drawn(world.a)
    officer = client_of(world.a.users[Role.OFFICER])
    page = officer.get(reverse("application_detail", args=[application.pk])).content.decode()
    assert page.count('data-testid="invitation-row"') == 3
    assert "รอตอบรับ" in page
    assert 'data-testid="draw-link"' in page
    # an assessor sees a link to their own sheet, never the invitations of the others
    first = invited(application)[0]
    invitations.accept_invitation(first, actor=first.expert.user, attested=True)
    own = client_of(first.expert.user).get(
        reverse("application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="own-score-sheet"' in own
    assert 'data-testid="invitation-row"' not in own


def test_cancel_from_the_page(world):
    application, _pool, _draw = drawn(world.a)
    target = invited(application)[0]
    officer = client_of(world.a.users[Role.OFFICER])
    officer.post(reverse("invitation_cancel", args=[target.pk]), {"reason": "ป่วย"})
    target.refresh_from_db()
    assert target.state == InvitationState.CANCELLED
    # an officer of another province cannot
    other = invited(application)[0]
    response = client_of(world.b.users[Role.OFFICER]).post(
        reverse("invitation_cancel", args=[other.pk]), {"reason": "x"})
    assert response.status_code == 404


def test_reminders_once_a_day_before_the_scoring_date(world, settings):
    settings.ASSESSMENT_REMINDER_DAYS = 7
    application, _pool, _draw = drawn(world.a)
    rows = accept_all(application)
    today = timezone.localdate()
    Invitation.objects.filter(pk=rows[0].pk).update(score_due=today + datetime.timedelta(days=3))
    Invitation.objects.filter(pk=rows[1].pk).update(score_due=today - datetime.timedelta(days=1))
    assert scoring.remind_assessors(today) == 2
    assert scoring.remind_assessors(today) == 0  # once a day
    assert assessment_tasks.remind_assessors.apply().get() == 0
    assert scoring.remind_assessors(today + datetime.timedelta(days=1)) == 2
    late = Notification.objects.filter(user=rows[1].expert.user,
                                       subject="เลยกำหนดส่งผลการประเมินแล้ว")
    assert late.exists()
    # a submitted sheet is not reminded
    sheet = rows[0].sheet
    scoring.save_draft(sheet, actor=rows[0].expert.user, levels=full_levels(sheet))
    scoring.submit_score_sheet(sheet, actor=rows[0].expert.user)
    assert scoring.remind_assessors(today + datetime.timedelta(days=2)) == 1


def test_the_assessor_queue_keeps_its_query_count(world):
    mine = make_expert(world.b.province, home=world.b.province, max_concurrent=100)
    made = []

    def grow(n):
        while len(made) < n:
            application = approved_application(world.a)
            draw = AssessorDraw.objects.create(application=application, sequence=1,
                                               outcome="drawn", needed=1, digest="x",
                                               drawn_at=timezone.now())
            made.append(Invitation.objects.create(
                application=application, expert=mine, draw=draw, seat=1,
                invited_at=timezone.now(), reply_by=timezone.now() + datetime.timedelta(days=3)))

    client = client_of(mine.user)

    def check(response, n):
        assert response.content.decode().count('data-testid="awaiting-row"') == n

    small, large = assert_query_budget(lambda: client.get(reverse("assessor_queue")), grow,
                                       budget=12, sizes=(2, 12), check=check)
    assert small == large


def test_the_dashboard_shows_the_work_and_the_registry(world):
    application, _pool, _draw = drawn(world.a)
    first = invited(application)[0]
    user = first.expert.user
    Membership.objects.create(user=user, organization=world.b.school, role=Role.STAFF)
    Membership.objects.create(user=user, organization=world.b.school2, role=Role.STAFF)
    page = client_of(user).get(reverse("dashboard")).content.decode()
    assert page.count("คำเชิญเป็นกรรมการรอตอบรับ") == 1  # on the first card only
    admin = client_of(world.a.users[Role.PROVINCE_ADMIN]).get(reverse("dashboard"))
    assert reverse("expert_list") in admin.content.decode()


def test_decline_and_cancel_through_the_api(world):
    application, _pool, _draw = drawn(world.a, pool=6)
    first, second = invited(application)[:2]
    expert = client_of(first.expert.user)
    empty = expert.post(reverse("api:invitation-decline", args=[first.pk]), {},
                        content_type="application/json")
    assert empty.status_code == 400
    declined = expert.post(reverse("api:invitation-decline", args=[first.pk]),
                           {"reason": "ติดภารกิจ"}, content_type="application/json")
    assert declined.json()["state"] == "declined"
    assert expert.post(reverse("api:invitation-cancel", args=[first.pk]), {"reason": "x"},
                       content_type="application/json").status_code == 403
    # somebody else's invitation does not exist for this expert
    assert expert.post(reverse("api:invitation-accept", args=[second.pk])).status_code == 404
    office = client_of(world.a.users[Role.OFFICER])
    cancelled = office.post(reverse("api:invitation-cancel", args=[second.pk]),
                            {"reason": "ขัดกันแห่งผลประโยชน์"}, content_type="application/json")
    assert cancelled.json()["state"] == "cancelled"
    assert application.draws.count() == 3  # the first draw and two refills
    listing = office.get(reverse("api:invitation-list") + f"?application={application.pk}")
    assert listing.json()["count"] == 5


def test_the_assessor_panel_counts_again_after_a_reply(world):
    """The panel's counts are kept between visits (core/kept.py) until an invitation, a sheet
    or an expert changes: the reply shows at once."""
    from django.core.cache import cache

    cache.clear()
    application, _pool, _draw = drawn(world.a)
    first = invited(application)[0]
    # the panel sits on a card: the expert teaches at a school of the other province
    Membership.objects.create(user=first.expert.user, organization=world.b.school,
                              role=Role.STAFF)
    client = client_of(first.expert.user)

    def panel() -> tuple[int, int]:
        """(awaiting a reply, to assess), as the panel shows them."""
        import re

        page = client.get(reverse("dashboard")).content.decode()
        found = re.search(r"คำเชิญเป็นกรรมการรอตอบรับ</a> <span[^>]*>(\d+)</span>.*?"
                          r"คำขอที่ต้องประเมิน</a> <span[^>]*>(\d+)</span>", page, re.S)
        return int(found.group(1)), int(found.group(2))

    assert panel() == (1, 0)
    invitations.accept_invitation(first, actor=first.expert.user, attested=True)
    assert panel() == (0, 1)
