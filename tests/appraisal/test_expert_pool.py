"""The secretary's expert list (issue 17 item 10): the draw pools experts from every province
(``appraisal.services.draw.candidate_facts``), so the province admin's list shows every expert
the draw may use, says so, and keeps other keepers' records read only."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.rules import Role
from appraisal import selectors
from appraisal.services import draw as draws
from tests.appraisal.assessment_factories import approved_application, client_of, make_expert

pytestmark = pytest.mark.django_db


def test_the_secretary_sees_the_experts_the_draw_uses(world):
    # the demo's situation: every expert is kept by another province
    others = [make_expert(world.b.province, home=world.b.province) for _ in range(3)]
    no_account = make_expert(world.b.province, home=world.b.province, user=False)
    ended = make_expert(world.b.province, home=world.b.province,
                        active_to=datetime.date(2021, 1, 1))
    secretary = world.a.users[Role.PROVINCE_ADMIN]
    assert not selectors.experts_for(secretary).exists()  # keeps none of them
    application = approved_application(world.a)
    pool = set(draws.candidate_facts(application))
    assert pool == {str(e.pk) for e in (*others, no_account, ended)}

    client = client_of(secretary)
    page = client.get(reverse("expert_list")).content.decode()
    assert "ยังไม่มีผู้ทรงคุณวุฒิในบัญชี" not in page
    assert "การสุ่มกรรมการประเมินใช้ผู้ทรงคุณวุฒิจากบัญชีของทุกจังหวัด" in page
    assert "ผู้ทรงคุณวุฒิที่ใช้ในการสุ่ม 5 คน" in page
    for expert in (*others, no_account, ended):
        assert expert.full_name_th in page
        assert reverse("expert_edit", args=[expert.pk]) not in page  # read only
    assert page.count('data-testid="read-only"') == 5
    assert page.count(">พร้อม<") == 3
    assert "ยังไม่มีบัญชีผู้ใช้ในระบบ หรือบัญชีถูกระงับ" in page
    assert "ไม่อยู่ในช่วงเวลาที่ขึ้นบัญชี หรือถูกระงับ" in page
    assert others[0].user.username not in page  # another keeper's account name stays theirs
    # their records stay out of reach
    assert client.get(reverse("expert_edit", args=[others[0].pk])).status_code == 404
    # "mine": the records the province keeps, editable
    mine = make_expert(world.a.province, home=world.a.province)
    page = client.get(reverse("expert_list"), {"scope": "mine"}).content.decode()
    assert reverse("expert_edit", args=[mine.pk]) in page
    assert others[0].full_name_th not in page
    page = client.get(reverse("expert_list")).content.decode()
    assert reverse("expert_edit", args=[mine.pk]) in page
    assert "ผู้ทรงคุณวุฒิที่ใช้ในการสุ่ม 6 คน" in page


def test_only_registry_keepers_see_the_pool(world):
    make_expert(world.b.province)
    assert not selectors.draw_pool_for(world.a.users[Role.OFFICER]).exists()
    assert client_of(world.a.users[Role.SCHOOL_ADMIN]).get(
        reverse("expert_list")).status_code in (403, 404)
