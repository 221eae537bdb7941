"""Score sheets and the decision (RULES.md §4.5 step 5; issue 6 items 5–6): rubrics as data,
drafts, submission and its lock, the 2-of-3 decision when the third sheet is in, who sees which
scores, the summary PDF, and the API."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from accounts.exceptions import NotAllowed
from accounts.rules import Role
from appraisal.choices import ApplicationState
from appraisal.models import AssessmentDecision, Indicator, Rubric, ScoreSheet
from appraisal.services import scoring
from personnel.choices import AcademicStanding
from tests.appraisal.assessment_factories import (
    accept_all,
    client_of,
    drawn,
    full_levels,
)

pytestmark = pytest.mark.django_db


def side_levels(sheet, side: int, levels: list[int]) -> dict:
    rubric = Rubric.objects.get(standing=sheet.invitation.application.requested_standing,
                                side=side)
    indicators = list(rubric.indicators.order_by("order"))
    assert len(indicators) == len(levels)
    return {str(i.pk): lv for i, lv in zip(indicators, levels, strict=True)}


@pytest.fixture
def complete(world):
    """An application with its three assessors accepted."""
    application, _pool, _draw = drawn(world.a)
    rows = accept_all(application)
    application.refresh_from_db()
    return application, rows


def test_rubrics_are_data_from_the_seed():
    for standing in (AcademicStanding.PROFESSIONAL, AcademicStanding.SENIOR_PROFESSIONAL):
        side1 = Rubric.objects.get(standing=standing, side=1)
        side2 = Rubric.objects.get(standing=standing, side=2)
        assert [i.weight for i in side1.indicators.all()] == [Decimal("2.5")] * 8
        assert [i.weight for i in side2.indicators.all()] == [Decimal(5)] * 4
        assert not Rubric.objects.filter(standing=standing, side=3).exists()
    for standing in (AcademicStanding.EXPERT, AcademicStanding.SENIOR_EXPERT):
        assert Rubric.objects.filter(standing=standing).count() == 3


def test_drafts_compute_percentages_of_complete_sides(complete):
    _application, rows = complete
    sheet = rows[0].sheet
    user = rows[0].expert.user
    sheet = scoring.save_draft(sheet, actor=user,
                               levels=side_levels(sheet, 2, [1, 3, 3, 4]))
    assert sheet.percentages == {"2": "68.7500"}  # seed 004: 55 of 80
    sheet = scoring.save_draft(sheet, actor=user,
                               levels=side_levels(sheet, 1, [1, 2, 3, 3, 3, 3, 3, 3]),
                               notes={"1": {"strengths": "  ออกแบบการสอนดี ", "remarks": ""}})
    assert sheet.percentages == {"1": "65.6250", "2": "68.7500"}
    assert sheet.notes["1"]["strengths"] == "ออกแบบการสอนดี"
    # clearing a level makes the side incomplete again
    first = Rubric.objects.get(standing="professional", side=1).indicators.first()
    sheet = scoring.save_draft(sheet, actor=user, levels={str(first.pk): None})
    assert sheet.percentages == {"2": "68.7500"}
    for bad in ({str(first.pk): 5}, {"999999": 3}, {str(first.pk): "x"}):
        with pytest.raises(ValidationError):
            scoring.save_draft(sheet, actor=user, levels=bad)
    with pytest.raises(ValidationError, match="ด้านที่ 3"):
        scoring.save_draft(sheet, actor=user, notes={"3": {"strengths": "x"}})
    with pytest.raises(NotAllowed):
        scoring.save_draft(sheet, actor=rows[1].expert.user, levels={})


def test_submitting_needs_every_indicator_and_locks(complete):
    _application, rows = complete
    sheet = rows[0].sheet
    user = rows[0].expert.user
    scoring.save_draft(sheet, actor=user, levels=side_levels(sheet, 2, [4, 4, 4, 4]))
    with pytest.raises(ValidationError, match="ยังให้คะแนนไม่ครบ"):
        scoring.submit_score_sheet(sheet, actor=user)
    scoring.save_draft(sheet, actor=user, levels=full_levels(sheet, 4))
    sheet = scoring.submit_score_sheet(sheet, actor=user)
    assert sheet.submitted_at is not None
    assert sheet.percentages == {"1": "100.0000", "2": "100.0000"}
    with pytest.raises(ValidationError, match="แก้ไขไม่ได้"):
        scoring.save_draft(sheet, actor=user, levels=full_levels(sheet, 1))
    with pytest.raises(ValidationError, match="แก้ไขไม่ได้"):
        scoring.submit_score_sheet(sheet, actor=user)
    # and the database itself refuses, whatever code path tries
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ScoreSheet.objects.filter(pk=sheet.pk).update(percentages={"1": "0"})
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ScoreSheet.objects.filter(pk=sheet.pk).delete()


def _score(rows, per_assessor):
    """per_assessor: [(side-1 levels, side-2 levels)] for seats 1–3."""
    for invitation, (one, two) in zip(rows, per_assessor, strict=True):
        sheet = ScoreSheet.objects.get(invitation=invitation)
        user = invitation.expert.user
        scoring.save_draft(sheet, actor=user, levels={**side_levels(sheet, 1, one),
                                                      **side_levels(sheet, 2, two)})
        scoring.submit_score_sheet(sheet, actor=user)


def test_the_third_sheet_decides_two_of_three(complete, world):
    application, rows = complete
    good1 = [3, 3, 3, 3, 3, 3, 3, 3]   # 75%
    weak1 = [2, 2, 2, 2, 3, 3, 3, 3]   # 62.5%
    good2 = [3, 3, 3, 2]               # 68.75%
    weak2 = [2, 2, 3, 3]               # 62.5%
    _score(rows[:2], [(good1, good2), (weak1, weak2)])
    application.refresh_from_db()
    assert application.state == ApplicationState.ASSESSORS_COMPLETE
    assert not AssessmentDecision.objects.filter(application=application).exists()
    _score(rows[2:], [(good1, weak2)])
    application.refresh_from_db()
    assert application.state == ApplicationState.ASSESSED
    decision = application.decision
    # side 1: 75, 62.5, 75 → 2 of 3 ≥ 65; side 2: 68.75, 62.5, 62.5 → 1 of 3
    assert decision.sides["1"]["passed"] is True
    assert decision.sides["2"]["passed"] is False
    assert decision.sides["2"]["percentages"] == ["68.7500", "62.5000", "62.5000"]
    assert decision.passed is False
    assert decision.threshold == 65
    assert application.events.filter(action="assessed").exists()


def test_the_expert_standing_has_a_side_3(world):
    application, _pool, _draw = drawn(world.a, standing=AcademicStanding.EXPERT)
    rows = accept_all(application)
    for invitation in rows:
        sheet = invitation.sheet
        scoring.save_draft(sheet, actor=invitation.expert.user, levels=full_levels(sheet, 3))
        scoring.submit_score_sheet(sheet, actor=invitation.expert.user)
    application.refresh_from_db()
    decision = application.decision
    assert set(decision.sides) == {"1", "2", "3"}
    assert decision.passed is True  # 75% everywhere, threshold 75
    assert decision.threshold == 75


def test_who_sees_the_scores(complete, world):
    application, rows = complete
    _score(rows[:1], [([4] * 8, [4] * 4)])
    url = reverse("application_detail", args=[application.pk])
    office = client_of(world.a.users[Role.OFFICER]).get(url).content.decode()
    assert 'data-testid="score-row"' in office
    assert "100.00" in office
    second = client_of(rows[1].expert.user)
    assessor_view = second.get(url).content.decode()
    assert "100.00" not in assessor_view
    assert 'data-testid="scores"' not in assessor_view
    # their own sheet shows only their own levels
    page = second.get(reverse("score_sheet", args=[rows[1].pk])).content.decode()
    assert "100.0000" not in page
    # nobody else's sheet is reachable
    assert second.get(reverse("score_sheet", args=[rows[0].pk])).status_code == 404
    api = second.get(reverse("api:score-sheet-list")).json()
    assert [s["invitation"] for s in api["results"]] == [rows[1].pk]


def test_the_score_sheet_page_saves_and_submits(complete):
    _application, rows = complete
    invitation = rows[0]
    client = client_of(invitation.expert.user)
    url = reverse("score_sheet", args=[invitation.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('type="radio"') == 12 * 4
    sheet = invitation.sheet
    levels = full_levels(sheet, 2)
    # autosave (JSON)
    response = client.post(reverse("score_sheet_draft", args=[invitation.pk]),
                           json.dumps({"levels": levels, "notes": {"1": {"strengths": "ดี"}}}),
                           content_type="application/json")
    assert response.status_code == 200
    # shown as every page shows scores
    assert response.json()["percentages"] == {"1": "50.00", "2": "50.00"}
    bad = client.post(reverse("score_sheet_draft", args=[invitation.pk]),
                      json.dumps({"levels": {"0": 9}}), content_type="application/json")
    assert bad.status_code == 400
    # the form (no JavaScript): change one level and submit
    form = {f"level-{k}": v for k, v in levels.items()}
    first = next(iter(levels))
    form[f"level-{first}"] = "4"
    form["submit"] = "1"
    client.post(url, form)
    sheet.refresh_from_db()
    assert sheet.submitted_at is not None
    assert sheet.levels[first] == 4
    assert 'data-testid="sheet-locked"' in client.get(url).content.decode()


def test_the_summary_pdf_for_the_office_only(complete, world):
    application, rows = complete
    _score(rows, [([3] * 8, [3] * 4)] * 3)
    url = reverse("assessment_summary_pdf", args=[application.pk])
    response = client_of(world.a.users[Role.OFFICER]).get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert client_of(rows[0].expert.user).get(url).status_code == 404
    assert client_of(world.b.users[Role.OFFICER]).get(url).status_code == 404
    api = client_of(world.a.users[Role.PROVINCE_ADMIN]).get(
        reverse("api:assessment-summary-pdf", args=[application.pk]))
    assert api.content.startswith(b"%PDF")


def test_the_api_flow(world):
    application, _pool, draw = drawn(world.a)
    officer = client_of(world.a.users[Role.OFFICER])
    listing = officer.get(reverse("api:assessor-draw-list")).json()
    assert [d["id"] for d in listing["results"]] == [draw.pk]
    verify = officer.get(reverse("api:assessor-draw-verify", args=[draw.pk])).json()
    assert verify["ok"] is True
    invited = application.invitations.select_related("expert__user").order_by("seat")
    for invitation in invited:
        expert = client_of(invitation.expert.user)
        mine = expert.get(reverse("api:invitation-list") + "?mine=1").json()
        assert [i["id"] for i in mine["results"]] == [invitation.pk]
        accepted = expert.post(reverse("api:invitation-accept", args=[invitation.pk]),
                               {"attest": True}, content_type="application/json")
        assert accepted.status_code == 200, accepted.content
        sheet_id = accepted.json()["score_sheet"]
        detail = expert.get(reverse("api:score-sheet-detail", args=[sheet_id])).json()
        levels = {str(i["id"]): 4 for r in detail["rubrics"] for i in r["indicators"]}
        saved = expert.patch(reverse("api:score-sheet-detail", args=[sheet_id]),
                             json.dumps({"levels": levels}), content_type="application/json")
        assert saved.json()["percentages"] == {"1": "100.0000", "2": "100.0000"}
        done = expert.post(reverse("api:score-sheet-submit", args=[sheet_id]))
        assert done.json()["submitted_at"]
        again = expert.post(reverse("api:score-sheet-submit", args=[sheet_id]))
        assert again.status_code == 400
    result = officer.get(reverse("api:assessment-detail", args=[application.pk])).json()
    assert result["state"] == "assessed"
    assert result["decision"]["passed"] is True
    assert [row["percentages"] for row in result["scores"]] == [["100.0000", "100.0000"]] * 3
    # the applicant is not an assessor and not the office
    applicant = client_of(application.person.user)
    assert applicant.get(reverse("api:assessment-detail", args=[application.pk])).status_code \
        == 404


def test_percentages_follow_the_rubric_data(complete):
    """Rubrics are data: an indicator added (before any sheet used it) is part of the form and
    of the computation, with its own weight."""
    _application, rows = complete
    rubric = Rubric.objects.get(standing="professional", side=2)
    extra = Indicator.objects.create(rubric=rubric, order=5, text="ตัวชี้วัดเพิ่ม", weight=10)
    sheet = rows[0].sheet
    user = rows[0].expert.user
    sheet = scoring.save_draft(sheet, actor=user, levels=side_levels(sheet, 2, [4, 4, 4, 4, 1]))
    # (4·5·4 + 1·10) / (4 · 30) = 90/120
    assert sheet.percentages == {"2": "75.0000"}
    assert str(extra.pk) in sheet.levels
