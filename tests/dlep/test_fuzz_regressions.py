"""What make fuzz (tests/fuzz, schemathesis over the OpenAPI schema) found, one fast test a class:
ids that are not numbers (404, core.api.Router), NUL and control characters in any text (a Thai
400, nothing stored: core/textinput.py), and a Word file that still builds from a text stored
before the check existed (core/word.py)."""

import io
import re

import pytest
from django.urls import get_resolver, reverse
from docx import Document

from accounts.rules import Role
from appraisal.models import Expert
from committees.models import AgendaItem, ItemKind
from core.textinput import MESSAGE
from tests.appraisal.assessment_factories import area
from tests.committees.factories import committee_of
from tests.committees.test_views_api import make_meeting, secretary

pytestmark = pytest.mark.django_db

THAI_REFUSAL = str(MESSAGE)


def api_routes() -> list[str]:
    """Every route of the API's router, as its pattern."""
    routes = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            else:
                routes.append(prefix + str(p.pattern))
    walk(get_resolver().url_patterns)
    return [r for r in routes if r.startswith("api/v1/")]


def test_every_api_id_in_a_path_is_a_number():
    with_ids = [r for r in api_routes() if "<" in r]
    assert len(with_ids) > 40
    # a history line's kind is a word; a token's public id is a UUID (its converter refuses
    # anything else with a 404, as int does)
    ids = re.compile(r"<(?!int:|uuid:|slug:kind>)[^>]*>")
    assert [r for r in with_ids if ids.search(r)] == []


@pytest.mark.parametrize("path", [
    "/api/v1/issuing/__main__/", "/api/v1/issuing/F%F3%AB%99%9C/list.xlsx/",
    "/api/v1/issuing/x/slips.pdf/", "/api/v1/school-admin-registrations/%C2%9A/approve/",
    "/api/v1/school-admin-registrations/D/reject/",
    "/api/v1/school-admin-registrations/x/resend-link/",
    "/api/v1/staff-registrations/%20%07/approve/", "/api/v1/staff-registrations/x/reject/",
    "/api/v1/moves/%C3%81/accept/", "/api/v1/moves/x/decline/",
    "/api/v1/agenda-items/1x/", "/api/v1/people/%00/", "/api/v1/auth/tokens/1x/",
])
def test_an_id_that_is_not_a_number_is_404(client, world, path):
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


@pytest.fixture
def item(world):
    meeting = make_meeting(world.a)
    return AgendaItem.objects.create(meeting=meeting, kind=ItemKind.OTHER, order=1,
                                     title="วาระเดิม", facts_text="ข้อเท็จจริงเดิม")


@pytest.mark.parametrize("text", ["ก\x00ข", "ก\x01ข", "ก\x0bข", "ก\x1fข", "ก\x7f", "ก\x85ข",
                                  "ก\ud800ข", "ก\uffff"])
def test_nul_and_control_characters_are_refused_in_thai_and_not_stored(client, world, item,
                                                                       text):
    client.force_login(secretary(world.a))
    for field in ("title", "facts_text"):
        r = client.patch(f"/api/v1/agenda-items/{item.pk}/", {field: text},
                         content_type="application/json")
        assert r.status_code == 400, r.content
        assert r.json()[field] == [THAI_REFUSAL]
    item.refresh_from_db()
    assert (item.title, item.facts_text) == ("วาระเดิม", "ข้อเท็จจริงเดิม")
    # a NUL in a new record and in a query string: 400s too, never a 500
    r = client.post("/api/v1/meetings/", {"committee": committee_of(world.a).pk, "number": 7,
                                          "year_be": 2569, "date": "2026-11-20",
                                          "place": text}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["place"] == [THAI_REFUSAL]


@pytest.mark.parametrize("path", ["/api/v1/people/?q=%00", "/api/v1/elearning/courses/?q=a%01",
                                  "/api/v1/organizations/?q=%00", "/personnel/?q=%1F",
                                  "/register/schools/?q=%00", "/api/v1/people/?%00=1"])
def test_a_nul_in_a_query_string_is_a_thai_400(client, world, path):
    """Views that read their filters straight from the query string (a NUL in a PostgreSQL
    query is a 500)."""
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    r = client.get(path)
    assert r.status_code == 400
    assert THAI_REFUSAL in r.content.decode()


def test_multi_line_texts_keep_tabs_and_line_breaks(client, world, item):
    client.force_login(secretary(world.a))
    text = "บรรทัดแรก\r\nบรรทัดสอง\n\tย่อหน้า"
    r = client.patch(f"/api/v1/agenda-items/{item.pk}/", {"facts_text": text},
                     content_type="application/json")
    assert r.status_code == 200, r.content
    item.refresh_from_db()
    assert item.facts_text == text


def test_the_html_forms_refuse_control_characters_too(client, world):
    """The same check in every Django form (here a model form of the expert registry)."""
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    r = client.post(reverse("expert_new"), {
        "organization": world.a.province.pk, "first_name": "สม\x01หญิง", "last_name": "ดีงาม",
        "home_organization_code": world.a.lao.code, "subject_areas": [area().pk],
        "standings": ["professional"], "active_from": "2025-10-01", "max_concurrent": "2"})
    assert r.status_code == 200
    assert THAI_REFUSAL in r.content.decode()
    assert not Expert.objects.exists()


def test_an_items_word_file_builds_from_a_text_stored_with_control_characters(client, world,
                                                                              item):
    """Stored before the check (a fixture, an old row): the Word file leaves the characters out
    instead of failing on every download."""
    AgendaItem.objects.filter(pk=item.pk).update(title="วาระ\x01ที่\x0b1",
                                                facts_text="ข้อเท็จจริง\x1f\x08")
    client.force_login(secretary(world.a))
    r = client.get(reverse("item_docx", args=[item.pk]))
    assert r.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "วาระที่1" in text
