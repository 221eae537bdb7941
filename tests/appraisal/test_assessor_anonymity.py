"""Issue 17 item 6: the applicant never learns who assesses her, nor who declined. Her page's
history and the API's history say how many assessors accepted, never who; the office still
reads the names."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.rules import Role
from appraisal.choices import DeclineKind, InvitationState
from appraisal.models import Expert
from appraisal.services import invitations
from tests.appraisal.assessment_factories import client_of, drawn

pytestmark = pytest.mark.django_db


def identities(application) -> list[str]:
    """Every name, account and id by which an expert of the pool could be recognised."""
    found = []
    for expert in Expert.objects.filter(invitations__application=application).distinct():
        found += [expert.full_name_th, expert.first_name, expert.email]
        if expert.user is not None:
            found += [expert.user.full_name_th, expert.user.username]
    return [f for f in found if f]


def replied(world):
    """Two assessors accept, the third declines (its seat is drawn again)."""
    application, _pool, _draw = drawn(world.a, pool=6)
    rows = list(application.invitations.filter(state=InvitationState.AWAITING)
                .select_related("expert__user").order_by("seat"))
    for row in rows[:2]:
        invitations.accept_invitation(row, actor=row.expert.user, attested=True)
    invitations.decline_invitation(rows[2], actor=rows[2].expert.user, reason="ติดภารกิจราชการ",
                                   kind=DeclineKind.OTHER)
    return application, rows


def test_the_applicants_page_counts_the_assessors_without_naming_them(world):
    application, _rows = replied(world)
    page = client_of(application.person.user).get(
        reverse("application_detail", args=[application.pk])).content.decode()
    assert "ผู้ทรงคุณวุฒิตอบรับแล้ว 1 จาก 3 ท่าน" in page
    assert "ผู้ทรงคุณวุฒิตอบรับแล้ว 2 จาก 3 ท่าน" in page
    assert "เปลี่ยนกรรมการประเมิน 1 ท่าน" in page
    assert "ติดภารกิจราชการ" not in page
    for identity in identities(application):
        assert identity not in page, identity


def test_the_applicants_api_history_names_no_assessor_and_gives_no_ids(world):
    application, rows = replied(world)
    api = APIClient()
    api.force_authenticate(application.person.user)
    response = api.get(f"/api/v1/applications/{application.pk}/history/")
    assert response.status_code == 200
    text = json.dumps(response.json(), ensure_ascii=False)
    for identity in identities(application):
        assert identity not in text, identity
    replies = [e for e in response.json() if e["action"] == "invitation_reply"]
    assert len(replies) == 3
    assert all(e["actor_name"] == "" and e["data"] == {} for e in replies)
    drawn_lines = [e for e in response.json() if e["action"] == "assessors_drawn"]
    assert drawn_lines
    assert all(e["data"] == {} for e in drawn_lines)  # no picks, no pool
    # nor does the applicant reach the invitations or the draw records
    assert api.get(f"/api/v1/applications/{application.pk}/").status_code == 200
    for row in rows:
        assert str(row.expert.user.username) not in api.get(
            f"/api/v1/applications/{application.pk}/").content.decode()


def test_the_office_still_reads_who_accepted_and_who_declined(world):
    application, rows = replied(world)
    officer = world.a.users[Role.OFFICER]
    page = client_of(officer).get(
        reverse("application_detail", args=[application.pk])).content.decode()
    for row in rows:
        assert row.expert.user.full_name_th in page
    api = APIClient()
    api.force_authenticate(officer)
    history = api.get(f"/api/v1/applications/{application.pk}/history/").json()
    names = {e["actor_name"] for e in history if e["action"] == "invitation_reply"}
    assert {r.expert.user.full_name_th for r in rows} <= names
