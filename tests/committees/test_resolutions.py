"""A resolution is what the meeting decided (issue 17 item 10): the form presets no verdict,
every applicant needs one chosen, and nothing is recorded before the meeting's date."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.rules import Role
from appraisal.choices import ApplicationState
from committees import services
from committees.models import ItemKind, Resolution
from tests.appraisal.assessment_factories import client_of
from tests.committees.factories import assessed, committee_of, qualified

pytestmark = pytest.mark.django_db


def _item(world, date, kind=ItemKind.RESULTS, applications=None):
    secretary = world.a.users[Role.PROVINCE_ADMIN]
    meeting = services.create_meeting(actor=secretary, committee=committee_of(world.a),
                                      number=9, year_be=2569, date=date)
    if applications is None:
        applications = [assessed(world.a, "ครูหนึ่ง"),
                        assessed(world.a, "ครูสอง", scores={1: ("50", "50", "50"),
                                                           2: ("50", "50", "50")})]
    return services.create_item(actor=secretary, meeting=meeting, kind=kind,
                                applications=applications, title="เรื่องอื่น")


def test_the_form_presets_no_verdict(world):
    item = _item(world, timezone.localdate())
    page = client_of(world.a.users[Role.PROVINCE_ADMIN]).get(
        reverse("item_detail", args=[item.pk])).content.decode()
    selects = re.findall(r'<select name="decision_\d+"[^>]*>.*?</select>', page, re.S)
    assert len(selects) == 2
    for select in selects:
        assert " required" in select
        assert re.search(r'<option value="" selected>', select)
        assert select.count(" selected") == 1  # not "not approved" for a failing result
    assert "ระเบียบวาระ" in page


def test_a_verdict_left_blank_records_nothing(world):
    item = _item(world, timezone.localdate())
    client = client_of(world.a.users[Role.PROVINCE_ADMIN])
    first, second = (e.application_id for e in item.entries.all())
    response = client.post(reverse("item_resolve", args=[item.pk]), {
        f"decision_{first}": "approved", f"decision_{second}": ""}, follow=True)
    assert "กรุณาระบุมติของทุกรายชื่อ" in response.content.decode()
    assert not Resolution.objects.filter(item=item).exists()
    assert item.entries.get(application_id=first).application.state == ApplicationState.ASSESSED


def test_nothing_is_recorded_before_the_meetings_date(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    item = _item(world, tomorrow, kind=ItemKind.PANELS,
                 applications=[qualified(world.a, "ครูรอ")])
    secretary = world.a.users[Role.PROVINCE_ADMIN]
    with pytest.raises(ValidationError, match="มติบันทึกได้ตั้งแต่วันประชุมเป็นต้นไป"):
        services.record_resolution(actor=secretary, item=item, decision="approved")
    assert not Resolution.objects.filter(item=item).exists()
    page = client_of(secretary).get(reverse("item_detail", args=[item.pk])).content.decode()
    assert 'data-testid="resolve-not-yet"' in page
    assert re.search(r'data-testid="resolve" disabled', page)
    # on the day itself it can
    assert services.may_resolve_on(item.meeting, tomorrow)
    assert not services.may_resolve_on(item.meeting, tomorrow - datetime.timedelta(days=1))
