import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from accounts.rules import Role
from appraisal.choices import ApplicationState
from committees import services
from committees.models import AgendaEntry, AgendaItem, ItemKind, Meeting
from tests.committees.factories import assessed, committee_of, qualified
from tests.querybudget import assert_query_budget

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 20)


def secretary(side):
    return side.users[Role.PROVINCE_ADMIN]


def make_meeting(side, number=1):
    return services.create_meeting(actor=secretary(side), committee=committee_of(side),
                                   number=number, year_be=2569, date=DAY, place="ศาลากลาง")


def test_the_secretary_builds_an_item_by_ticking_and_downloads_documents(client, world):
    apps = [qualified(world.a, f"ครูติ๊ก{n}") for n in range(3)]
    meeting = make_meeting(world.a)
    client.force_login(secretary(world.a))
    page = client.get(reverse("item_build", args=[meeting.pk]), {"kind": "panels"})
    assert page.status_code == 200
    html = page.content.decode()
    assert all(a.person.full_name_th in html for a in apps)
    response = client.post(reverse("item_build", args=[meeting.pk]), {
        "kind": "panels", "application": [apps[0].pk, apps[2].pk]})
    item = AgendaItem.objects.get(meeting=meeting)
    assert response.status_code == 302
    assert response["Location"] == reverse("item_detail", args=[item.pk])
    assert list(item.entries.values_list("application_id", flat=True)) == [apps[0].pk,
                                                                          apps[2].pk]
    docx = client.get(reverse("item_docx", args=[item.pk]), {"thai": "1"})
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "ครั้งที่ ๑/๒๕๖๙" in text
    xlsx = client.get(reverse("item_xlsx", args=[item.pk]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[3:]] == [apps[0].person.full_name_th, apps[2].person.full_name_th]
    # the resolution page: approve both, no draw
    client.post(reverse("item_resolve", args=[item.pk]), {
        f"decision_{apps[0].pk}": "approved", f"decision_{apps[2].pk}": "deferred"})
    apps[0].refresh_from_db()
    apps[2].refresh_from_db()
    assert apps[0].state == ApplicationState.PANEL_APPROVED
    assert apps[2].state == ApplicationState.QUALIFIED
    assert "มติที่ประชุม" in client.get(reverse("item_detail", args=[item.pk])).content.decode()


def test_another_province_gets_404_everywhere(client, world):
    item = services.create_item(actor=secretary(world.a), meeting=make_meeting(world.a),
                                kind=ItemKind.OTHER, title="อื่น ๆ")
    committee = committee_of(world.a)
    urls = [reverse("committee_detail", args=[committee.pk]),
            reverse("meeting_detail", args=[item.meeting.pk]),
            reverse("item_detail", args=[item.pk]), reverse("item_docx", args=[item.pk]),
            reverse("item_xlsx", args=[item.pk]),
            reverse("committee_honoraria", args=[committee.pk]),
            reverse("api:agenda-item-detail", args=[item.pk]),
            reverse("api:meeting-detail", args=[item.meeting.pk])]
    for user in (secretary(world.b), world.a.users[Role.OFFICER],
                 world.a.users[Role.LAO_ADMIN], world.a.users[Role.STAFF]):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    client.force_login(secretary(world.b))
    assert "ศาลากลาง" not in client.get(reverse("meeting_list")).content.decode()
    assert client.post(reverse("item_resolve", args=[item.pk]),
                       {"decision": "approved"}).status_code == 404
    client.force_login(world.dla_admin)
    assert client.get(reverse("item_detail", args=[item.pk])).status_code == 200


def _grow_meetings(side):
    committee = committee_of(side)

    def grow(n):
        for number in range(Meeting.objects.filter(committee=committee).count() + 1, n + 1):
            meeting = Meeting.objects.create(committee=committee, number=number, year_be=2569,
                                             date=DAY, place=f"ห้อง {number}")
            AgendaItem.objects.create(meeting=meeting, kind=ItemKind.OTHER, order=1,
                                      title="อื่น ๆ")
    return grow


def test_meeting_list_query_budget(client, world):
    client.force_login(secretary(world.a))
    assert_query_budget(lambda: client.get(reverse("meeting_list")), _grow_meetings(world.a),
                        budget=8, sizes=(1, 50),
                        check=lambda r, n: r.content.decode().count("ห้อง ") >= n)


def test_meeting_and_item_detail_query_budget(client, world):
    meeting = make_meeting(world.a)
    client.force_login(secretary(world.a))

    def grow_items(n):
        for order in range(meeting.items.count() + 1, n + 1):
            AgendaItem.objects.create(meeting=meeting, kind=ItemKind.OTHER, order=order,
                                      title=f"วาระ {order}")
    assert_query_budget(lambda: client.get(reverse("meeting_detail", args=[meeting.pk])),
                        grow_items, budget=8, sizes=(1, 30))
    item = services.create_item(actor=secretary(world.a), meeting=make_meeting(world.a, 2),
                                kind=ItemKind.RESULTS, applications=[assessed(world.a, "ครู0")])

    def grow_entries(n):
        for k in range(item.entries.count(), n):
            application = assessed(world.a, f"ครูเพิ่ม{k}")
            AgendaEntry.objects.create(item=item, application=application, order=k + 1)
    assert_query_budget(lambda: client.get(reverse("item_detail", args=[item.pk])),
                        grow_entries, budget=10, sizes=(1, 12))


def test_api_meeting_item_resolution_notify_order(
        client, world, django_capture_on_commit_callbacks):
    a = assessed(world.a, "ครูเอพีไอ")
    committee = committee_of(world.a)
    client.force_login(secretary(world.a))
    r = client.post("/api/v1/meetings/", {"committee": committee.pk, "number": 9,
                                          "year_be": 2569, "date": "2026-11-20",
                                          "place": "ห้องประชุม"}, content_type="application/json")
    assert r.status_code == 201, r.content
    meeting_id = r.json()["id"]
    r = client.post("/api/v1/agenda-items/", {"meeting": meeting_id, "kind": "results",
                                              "applications": [a.pk]},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    item_id = r.json()["id"]
    assert r.json()["entries"][0]["application"] == a.pk
    r = client.patch(f"/api/v1/agenda-items/{item_id}/", {"facts_text": "ข้อเท็จจริงใหม่"},
                     content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["facts_text"] == "ข้อเท็จจริงใหม่"
    r = client.post(f"/api/v1/agenda-items/{item_id}/resolve/",
                    {"decisions": {str(a.pk): "approved"}}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["resolution"]["decision"] == "approved"
    r = client.post(f"/api/v1/agenda-items/{item_id}/notify/", {"confirmed": False},
                    content_type="application/json")
    assert r.status_code == 400
    with django_capture_on_commit_callbacks(execute=False):
        r = client.post(f"/api/v1/agenda-items/{item_id}/notify/", {"confirmed": True},
                        content_type="application/json")
    assert r.status_code == 200
    assert r.json()["entries"][0]["state"] == "notified"
    assert client.get(f"/api/v1/agenda-items/{item_id}/annex-xlsx/").status_code == 200
    assert client.get(f"/api/v1/agenda-items/{item_id}/agenda-docx/").status_code == 200
    r = client.post("/api/v1/appointment-orders/", {
        "committee": committee.pk, "number": 3, "year_be": 2569, "date": "2026-11-25",
        "signer_name": "ผู้ลงนาม", "applications": [a.pk]}, content_type="application/json")
    assert r.status_code == 201, r.content
    order_id = r.json()["id"]
    with django_capture_on_commit_callbacks(execute=False):
        r = client.post(f"/api/v1/appointment-orders/{order_id}/appoint/")
    assert r.status_code == 200
    assert r.json()["appointed_at"]
    assert client.get(f"/api/v1/appointment-orders/{order_id}/pdf/").content.startswith(b"%PDF")
    a.person.refresh_from_db()
    assert a.person.standing == a.requested_standing
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/meetings/", "/api/v1/agenda-items/{id}/resolve/",
                 "/api/v1/appointment-orders/{id}/appoint/", "/api/v1/committees/"):
        assert path in schema
    client.force_login(secretary(world.b))
    assert client.get(f"/api/v1/agenda-items/{item_id}/").status_code == 404
    listed = client.get("/api/v1/meetings/").json()
    assert (listed.get("results", []) if isinstance(listed, dict) else listed) == []


def test_dashboard_panel_counts_waiting_applications(client, world):
    committee_of(world.a)
    qualified(world.a, "ครูรอ")
    assessed(world.a, "ครูรอผล")
    client.force_login(secretary(world.a))
    html = client.get("/").content.decode()
    assert "เลขานุการคณะกรรมการ" in html
    assert "รับรองคุณสมบัติแล้ว" in html
    assert "ประเมินครบแล้ว" in html


def test_committee_pages_members_and_honoraria(client, world):
    committee = committee_of(world.a)
    app = qualified(world.a, "ครูค่ารางวัล")
    item = services.create_item(actor=secretary(world.a), meeting=make_meeting(world.a),
                                kind=ItemKind.PANELS, applications=[app])
    services.record_resolution(actor=secretary(world.a), item=item, decision="approved")
    client.force_login(secretary(world.a))
    html = client.get(reverse("committee_list")).content.decode()
    assert committee.name in html
    assert "อนุมัติแต่งตั้งคณะกรรมการประเมินแล้ว" in html  # a step waiting, with its count
    client.post(reverse("committee_member_add", args=[committee.pk]),
                {"name": "นายประธาน ใจดี", "position": "ผู้ว่าราชการจังหวัด", "role": "chair"})
    member = committee.members.get()
    assert "นายประธาน ใจดี" in client.get(
        reverse("committee_detail", args=[committee.pk])).content.decode()
    client.post(reverse("committee_member_remove", args=[committee.pk, member.pk]))
    assert not committee.members.exists()
    page = client.get(reverse("committee_honoraria", args=[committee.pk])).content.decode()
    assert "20 พ.ย. 2569" in page
    xlsx = client.get(reverse("committee_honoraria", args=[committee.pk]),
                      {"format": "xlsx", "thai": "1"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[2][2] == "๒๐ พฤศจิกายน ๒๕๖๙"
    assert rows[2][4] == "๑"
