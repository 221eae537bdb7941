import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts import national_id, scoping
from accounts.models import Membership, Organization, User
from accounts.rules import LaoType, OrgKind, Role, SchoolType
from committees.models import Committee
from committees.selectors import committee_for
from devdata import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    call_command("seed_demo", stdout=io.StringIO())


def test_the_demo_world_has_the_promised_shape(seeded):
    kinds = {k: Organization.objects.filter(kind=k).count() for k in OrgKind}
    assert kinds == {
        OrgKind.AGENCY: 1, OrgKind.PROVINCE: 2, OrgKind.DISTRICT: 4, OrgKind.LAO: 6,
        OrgKind.SCHOOL: 12,
    }
    provinces = Organization.objects.filter(kind=OrgKind.PROVINCE)
    assert set(provinces.values_list("name", flat=True)) == {"นครพนม", "แพร่"}
    laos = Organization.objects.filter(kind=OrgKind.LAO)
    lao_types = set(laos.values_list("lao_type", flat=True))
    assert len(lao_types) >= 4  # mixed types
    assert LaoType.PAO in lao_types
    school_types = Organization.objects.filter(kind=OrgKind.SCHOOL).values_list("school_type",
                                                                                 flat=True)
    assert set(school_types) == set(SchoolType.values)
    staff = Membership.objects.filter(role=Role.STAFF).count()
    assert 140 <= staff <= 160


def test_every_demo_person_has_a_valid_unique_national_id_and_a_thai_name(seeded):
    people = User.objects.exclude(username="AnonymousUser")
    ids = list(people.values_list("national_id", flat=True))
    assert all(national_id.is_valid(n) for n in ids)
    assert len(set(ids)) == len(ids)
    assert all(re.search(r"[\u0E00-\u0E7F]", u.first_name) for u in people)


def test_every_lao_has_its_provincial_committee(seeded):
    assert Committee.objects.count() == 6
    for lao in Organization.objects.filter(kind=OrgKind.LAO):
        committee = committee_for(lao)
        assert committee is not None, lao
        assert lao.path.startswith(committee.province.path)
    school = Organization.objects.get(code="1048010001")  # under เทศบาลเมืองนครพนม
    assert str(committee_for(school)) == "ก.ท.จ. นครพนม"


def test_demo_logins_work_with_the_published_password(seeded):
    for username in ("dla_admin", "province_admin", "lao_admin", "school_admin", "teacher",
                     "officer", "group_head"):
        user = authenticate(username=username, password=demo.DEMO_PASSWORD)
        assert user is not None, username


def test_the_province_admin_of_nakhon_phanom_does_not_see_phrae(seeded):
    admin = User.objects.get(username="province_admin")
    seen = set(scoping.organizations(admin).values_list("code", flat=True))
    assert "48" in seen
    assert "54" not in seen
    assert "1054010001" not in seen
    assert "1048010001" in seen


def test_seeding_twice_changes_nothing(seeded):
    counts = (Organization.objects.count(), User.objects.count(), Membership.objects.count(),
              Committee.objects.count())
    summary = demo.build()
    assert (summary.organizations_created, summary.users_created) == (0, 0)
    assert counts == (Organization.objects.count(), User.objects.count(),
                      Membership.objects.count(), Committee.objects.count())


def test_if_empty_skips_a_database_that_has_data(seeded, capsys):
    call_command("seed_demo", "--if-empty")
    out = capsys.readouterr().out
    assert "มีข้อมูลอยู่แล้ว" in out
    assert "dla_admin" in out


def test_the_demo_province_dashboard_shows_completeness_lpa_and_reminds_late_laos(
        seeded, client, django_capture_on_commit_callbacks):
    from django.core import mail

    from dlep.celery import app
    from personnel.models import CertificationRound

    round_ = CertificationRound.objects.get(province__code="48")
    client.force_login(User.objects.get(username="province_admin"))
    html = client.get(f"/personnel/certification/{round_.pk}/").content.decode()
    assert html.count('data-testid="lao-row"') == 4
    assert 'data-testid="certified-share">25%' in html  # 1 of 4 LAOs certified
    assert 'data-testid="lpa">5<' in html  # เทศบาลตำบลธาตุพนม, certified before the deadline
    assert html.count('data-testid="lpa">0<') == 3
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(f"/personnel/certification/{round_.pk}/", {"action": "remind"},
                            follow=True)
    finally:
        app.conf.task_always_eager = False
    assert "3 แห่ง" in r.content.decode()
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert "lao_admin@demo.dlep.local" in recipients  # เทศบาลเมืองนครพนม's admin
    assert "hr_6480000@demo.dlep.local" in recipients  # อบจ.นครพนม's HR officer
    assert not any("5480501" in address for address in recipients)  # the certified one
    assert len(mail.outbox) == 3


def test_the_demo_has_requests_on_their_way_through_the_real_services(seeded):
    """PA results, a request waiting for the school director, and two certified requests whose
    panels นครพนม's committee approved at meeting 1, with assessors drawn from แพร่; the three
    of the first accepted."""
    from appraisal.models import Application, AssessorDraw, Expert, Invitation, PAResult
    from committees.models import Meeting

    assert PAResult.objects.exists()
    states = sorted(Application.objects.values_list("state", flat=True))
    assert states == ["assessors_complete", "panel_approved", "submitted"]
    accepted = Invitation.objects.filter(state="accepted")
    assert accepted.count() == 3
    assert len(set(accepted.values_list("application", flat=True))) == 1
    assert Meeting.objects.get().number == 1
    assert all(draw.picks for draw in AssessorDraw.objects.all())
    homes = set(Invitation.objects.values_list("expert__home_organization__path", flat=True))
    phrae = Organization.objects.get(code="54").path
    assert homes
    assert all(path.startswith(phrae) for path in homes)
    assert Expert.objects.count() == 6
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing more
    assert Application.objects.count() == 3
    assert Meeting.objects.count() == 1


def test_the_demo_draws_are_revealed_commit_reveal_draws_that_verify(seeded, tmp_path):
    """Issue 19: the agenda item published its commitment, the meeting's draw revealed the seed;
    the records verify inside the portal and with tools/verify_draw.py; an expert who declared
    a relation with the second applicant is left out of that draw by the rule; the accepting
    assessors attested no conflict."""
    import json
    import subprocess
    import sys

    from django.conf import settings

    from appraisal import rules
    from appraisal.models import AssessorDraw, ConflictDeclaration, Invitation
    from appraisal.services import draw as draws

    records = list(AssessorDraw.objects.select_related("commitment").order_by("pk"))
    assert len(records) == 2
    assert all(d.version == rules.RECORD_COMMIT_REVEAL for d in records)
    assert all(d.commitment.revealed_at is not None for d in records)
    assert len({d.commitment_id for d in records}) == 1  # one item, one draw event
    assert all(draws.verify_draw(d).ok for d in records)
    declared = ConflictDeclaration.objects.get()
    assert records[1].excluded[str(declared.expert_id)] == "former_supervisor"
    assert all(i.attested_at for i in Invitation.objects.filter(state="accepted"))
    path = tmp_path / "demo-draw.json"
    path.write_text(json.dumps(draws.export_of(records[1]), ensure_ascii=False),
                    encoding="utf-8")
    result = subprocess.run([sys.executable, str(settings.BASE_DIR / "tools" / "verify_draw.py"),
                             str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
