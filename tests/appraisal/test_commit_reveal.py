"""The commit-reveal draw (issue 19 item 1; docs/assessment-rules.md §1): the pure functions at
their boundaries and over their space (hypothesis), the commitment published before the public
value and the seed hidden until the draw (pages, API, Word, audit), the reveal, the refills, a
second draw that leaves the first, and the draw of an agenda item after its meeting."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import math
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from docx import Document
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.models import AuditEvent, Notification
from accounts.rules import Role
from appraisal import rules
from appraisal.choices import ApplicationState, DrawOutcome, InvitationState
from appraisal.models import AssessorDraw, DrawCommitment
from appraisal.rules import draw as draw_rules
from appraisal.services import commitments, invitations
from appraisal.services import draw as draws
from committees import documents
from committees import services as committee_services
from committees.models import Decision, ItemKind
from tests.appraisal.assessment_factories import (
    PUBLIC_VALUE,
    approved_application,
    client_of,
    expert_pool,
    publish,
)
from tests.appraisal.test_draw import chi_square_p
from tests.committees.factories import committee_of, qualified

SEED = "00" * 31 + "01"


# --- the pure functions -------------------------------------------------------------------------

def test_the_commitment_is_sha256_of_the_seed_bytes():
    assert rules.commitment_of("00" * 32) == \
        "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
    assert rules.commitment_of(SEED) == hashlib.sha256(bytes(31) + b"\x01").hexdigest()


def test_a_known_answer_fixes_every_byte_of_the_method():
    """docs/assessment-rules.md §1.3: if this changes, every published record stops verifying."""
    assert rules.committed_values(SEED, "123456", 1, 1, [1, 2, 3], 10) == [3, 1, 4]
    mac = hmac.new(bytes.fromhex(SEED), b"DLEP-DRAW-2|1|1|1|0|123456", hashlib.sha256).digest()
    assert int.from_bytes(mac, "big") % 10 == 3
    # every input counts: the public value, the application, the sequence, the seat
    assert rules.committed_values(SEED, "123457", 1, 1, [1, 2, 3], 10) == [1, 2, 1]
    assert rules.committed_values(SEED, "123456", 2, 1, [1, 2, 3], 10) == [8, 5, 6]
    assert rules.committed_values(SEED, "123456", 1, 2, [2], 10) == [4]
    # Thai text is UTF-8 after the ASCII head
    assert draw_rules.seat_message(7, 2, 3, 0, "สลาก 1") == \
        b"DLEP-DRAW-2|7|2|3|0|" + "สลาก 1".encode()


def test_rejection_sampling_at_its_boundary():
    span = 1 << 256
    # 2^256 mod 3 = 1: the largest multiple of 3 below 2^256 is 2^256 − 1
    assert draw_rules.accepted_index(span - 2, 3) == (span - 2) % 3
    assert draw_rules.accepted_index(span - 1, 3) is None
    # a power of two divides 2^256: nothing is ever rejected
    assert draw_rules.accepted_index(span - 1, 8) == 7
    assert draw_rules.accepted_index(0, 1) == 0
    with pytest.raises(ValueError, match="nobody"):
        draw_rules.accepted_index(5, 0)


def test_a_rejected_value_draws_again_with_the_next_counter(monkeypatch):
    real = draw_rules.accepted_index
    calls = []

    def reject_first(x, n):
        calls.append(x)
        return None if len(calls) == 1 else real(x, n)

    monkeypatch.setattr(draw_rules, "accepted_index", reject_first)
    value = draw_rules.committed_index(SEED, "9", 4, 1, 2, 7)
    second = hmac.new(bytes.fromhex(SEED), b"DLEP-DRAW-2|4|1|2|1|9", hashlib.sha256).digest()
    assert len(calls) == 2
    assert value == int.from_bytes(second, "big") % 7


def test_the_public_value_in_its_canonical_form():
    assert rules.canonical_public_value("  ๑๒๓  \n ๔๕๖\t") == "๑๒๓ ๔๕๖"
    # NFC: a decomposed character is composed, so two keyboards give one value
    assert rules.canonical_public_value("e\u0301") == "\u00e9"
    with pytest.raises(ValueError, match="control"):
        rules.canonical_public_value("12\x0034")
    with pytest.raises(ValidationError, match="กรุณากรอกค่าสาธารณะ"):
        commitments.public_value_of("   ")


@hsettings(max_examples=200, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32).map(bytes.hex),
       value=st.text("0123456789 ก", min_size=1, max_size=12).map(
           rules.canonical_public_value).filter(bool),
       application=st.integers(1, 10**6), sequence=st.integers(1, 20),
       seats=st.sampled_from([[1, 2, 3], [1], [3], [1, 3]]),
       pool=st.lists(st.integers(1, 10**5), min_size=3, max_size=30, unique=True))
def test_picks_are_distinct_members_and_deterministic(seed, value, application, sequence, seats,
                                                      pool):
    values = rules.committed_values(seed, value, application, sequence, seats, len(pool))
    assert all(0 <= v < len(pool) - k for k, v in enumerate(values))
    picks = rules.picks_from_values(pool, values)
    assert len(picks) == len(seats) == len(set(picks))
    assert set(picks) <= set(pool)
    assert rules.committed_values(seed, value, application, sequence, seats, len(pool)) == values


def test_committed_picks_are_uniform():
    """6 000 draws of 3 from a pool of 10 with seeds fixed in the test (so it cannot fail by
    chance): how often each member is picked, and who comes first, do not reject uniformity."""
    pool = list(range(101, 111))
    rounds = 6_000
    picked, first = Counter(), Counter()
    for i in range(rounds):
        seed = hashlib.sha256(f"uniform-{i}".encode()).hexdigest()
        picks = rules.picks_from_values(pool, rules.committed_values(
            seed, "845621", 1, 1, [1, 2, 3], len(pool)))
        picked.update(picks)
        first[picks[0]] += 1
    assert chi_square_p([picked[m] for m in pool], rounds * 3 / len(pool)) > 0.001
    assert chi_square_p([first[m] for m in pool], rounds / len(pool)) > 0.001
    assert not math.isnan(chi_square_p([first[m] for m in pool], rounds / len(pool)))


# --- the service: commit, then reveal ------------------------------------------------------------


def _seed_shown_anywhere(seed: str) -> list[str]:
    where = []
    if AuditEvent.objects.filter(data__icontains=seed).exists():
        where.append("audit")
    if Notification.objects.filter(body__contains=seed).exists():
        where.append("notifications")
    return where


@pytest.mark.django_db
def test_the_item_publishes_its_commitment_and_hides_the_seed_until_the_draw(world):
    secretary = world.a.users[Role.PROVINCE_ADMIN]
    expert_pool(world.b.province, 6)
    first, second = qualified(world.a, "ครูหนึ่ง"), qualified(world.a, "ครูสอง")
    meeting = committee_services.create_meeting(
        actor=secretary, committee=committee_of(world.a), number=3, year_be=2569,
        date=datetime.date(2026, 11, 20))
    item = committee_services.create_item(actor=secretary, meeting=meeting, kind=ItemKind.PANELS,
                                          applications=[first, second])
    commitment = item.commitment
    seed = commitment.seed
    assert commitment.commitment == rules.commitment_of(seed)
    assert commitment.revealed_seed is None
    client = client_of(secretary)
    meeting_page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    item_page = client.get(reverse("item_detail", args=[item.pk])).content.decode()
    api = client.get(reverse("api:agenda-item-detail", args=[item.pk])).json()
    word = "\n".join(p.text for p in Document(io.BytesIO(documents.agenda_docx(
        item))).paragraphs)
    for shown in (meeting_page, item_page, str(api), word):
        assert commitment.commitment in shown
        assert seed not in shown
    assert api["seed"] is None
    assert not _seed_shown_anywhere(seed)

    committee_services.record_resolution(actor=secretary, item=item, decision=Decision.APPROVED,
                                         draw_now=True, public_value="  สลาก  845621 ")
    commitment.refresh_from_db()
    assert commitment.revealed_at is not None
    assert commitment.public_value == "สลาก 845621"
    made = AssessorDraw.objects.filter(commitment=commitment).order_by("application_id")
    assert [d.application_id for d in made] == [first.pk, second.pk]
    for draw in made:
        assert draw.version == rules.RECORD_COMMIT_REVEAL
        assert draw.values == rules.committed_values(seed, "สลาก 845621", draw.application_id,
                                                     draw.sequence, draw.seats, len(draw.pool))
        assert draws.verify_draw(draw).ok
    # revealed: on the record's page, its JSON, the API and the item
    page = client.get(reverse("draw_detail", args=[made[0].pk])).content.decode()
    assert seed in page
    assert client.get(reverse("api:assessor-draw-detail", args=[made[0].pk])).json()["seed"] == seed
    assert client.get(reverse("api:assessor-draw-record", args=[made[0].pk])).json()["seed"] == seed
    assert client.get(reverse("api:agenda-item-detail", args=[item.pk])).json()["seed"] == seed
    word = "\n".join(p.text for p in Document(io.BytesIO(documents.agenda_docx(
        item))).paragraphs)
    assert seed in word


@pytest.mark.django_db
def test_a_used_commitment_draws_no_more(world):
    application = approved_application(world.a)
    expert_pool(world.b.province, 2)
    officer = world.a.users[Role.OFFICER]
    commitment = commitments.current_commitment(application)
    short = draws.draw_assessors(application, actor=officer, public_value=PUBLIC_VALUE)
    assert short.outcome == DrawOutcome.POOL_TOO_SMALL
    commitment.refresh_from_db()
    assert commitment.revealed_at is not None  # used, even though nobody was drawn
    assert commitments.current_commitment(application) is None
    expert_pool(world.b.province, 2)
    with pytest.raises(ValidationError, match="ค่าผูกมัด"):
        draws.draw_assessors(application, actor=officer, public_value=PUBLIC_VALUE)
    with pytest.raises(ValidationError, match="ใช้สุ่มไปแล้ว"):
        draws.draw_event(commitment, [application], actor=officer, public_value=PUBLIC_VALUE)
    fresh = draws.publish_commitment(application, actor=officer, public_source="งวดหน้า")
    with pytest.raises(ValidationError, match="ยังไม่ได้ใช้"):
        draws.publish_commitment(application, actor=officer)
    assert application.events.filter(action="commitment_published").exists()
    DrawCommitment.objects.filter(pk=fresh.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5))
    again = draws.draw_assessors(application, actor=officer, public_value="ผลงวดหน้า 111111")
    assert again.sequence == 2
    assert again.commitment_id == fresh.pk
    assert again.outcome == DrawOutcome.DRAWN
    # the first draw stays, with its own commitment, and both still verify
    assert list(application.draws.order_by("sequence").values_list("sequence", flat=True)) == \
        [1, 2]
    assert draws.verify_draw(short).ok
    assert draws.verify_draw(again).ok


@pytest.mark.django_db
def test_a_refill_reuses_the_commitment_with_its_own_sequence(world):
    application = approved_application(world.a)
    pool = expert_pool(world.b.province, 5)
    officer = world.a.users[Role.OFFICER]
    first = draws.draw_assessors(application, actor=officer, public_value=PUBLIC_VALUE)
    declining = application.invitations.get(seat=2)
    invitations.decline_invitation(declining, actor=declining.expert.user, reason="ติดราชการ")
    refill = application.draws.get(sequence=2)
    assert refill.drawn_by is None
    assert refill.commitment_id == first.commitment_id
    assert refill.version == rules.RECORD_COMMIT_REVEAL
    assert refill.values == rules.committed_values(
        first.commitment.seed, PUBLIC_VALUE, application.pk, 2, [2], len(refill.pool))
    assert draws.verify_draw(refill).ok
    assert draws.verify_draw(first).ok
    assert len(pool) == 5
    # a refill that claims another commitment is caught
    other = publish(application)
    AssessorDraw.objects.filter(pk=refill.pk).update(commitment=other)
    refill.refresh_from_db()
    problems = draws.verify_draw(refill).problems
    assert any("ค่าผูกมัด" in p for p in problems)


@pytest.mark.django_db
def test_a_commitment_made_after_the_public_value_fails(world):
    application = approved_application(world.a)
    expert_pool(world.b.province, 4)
    draw = draws.draw_assessors(application, actor=world.a.users[Role.OFFICER],
                                public_value=PUBLIC_VALUE)
    DrawCommitment.objects.filter(pk=draw.commitment_id).update(
        created_at=timezone.now() + datetime.timedelta(hours=1))
    draw = AssessorDraw.objects.get(pk=draw.pk)
    result = draws.verify_draw(draw)
    assert not result.ok
    assert any("ลำดับเวลา" in p for p in result.problems)


@pytest.mark.django_db
def test_the_item_draws_after_its_meeting(world):
    secretary = world.a.users[Role.PROVINCE_ADMIN]
    expert_pool(world.b.province, 4)
    application = qualified(world.a, "ครูหลังประชุม")
    meeting = committee_services.create_meeting(
        actor=secretary, committee=committee_of(world.a), number=4, year_be=2569,
        date=datetime.date(2026, 11, 20))
    item = committee_services.create_item(actor=secretary, meeting=meeting, kind=ItemKind.PANELS,
                                          applications=[application])
    committee_services.record_resolution(actor=secretary, item=item, decision=Decision.APPROVED)
    application.refresh_from_db()
    assert application.state == ApplicationState.PANEL_APPROVED
    assert commitments.current_commitment(application) == item.commitment
    assert committee_services.pending_draws(item) == [application]
    client = client_of(secretary)
    page = client.get(reverse("item_detail", args=[item.pk])).content.decode()
    assert 'data-testid="item-draw-form"' in page
    client.post(reverse("item_draw", args=[item.pk]), {"public_value": "123456"})
    draw = AssessorDraw.objects.get(application=application)
    assert draw.commitment_id == item.commitment_id
    assert application.invitations.filter(state=InvitationState.AWAITING).count() == 3
    assert committee_services.pending_draws(item) == []
    with pytest.raises(ValidationError, match="ไม่มีคำขอ"):
        committee_services.draw_item(actor=secretary, item=item, public_value="123456")
    # the office cannot draw it again with the item's spent commitment
    with pytest.raises(ValidationError):
        draws.draw_assessors(application, actor=world.a.users[Role.OFFICER],
                             public_value="999999")


@pytest.mark.django_db
def test_the_office_pages_show_the_commitment_and_take_the_public_value(world):
    application = approved_application(world.a, state=ApplicationState.QUALIFIED)
    expert_pool(world.b.province, 4)
    officer = client_of(world.a.users[Role.OFFICER])
    officer.post(reverse("assessment_approve", args=[application.pk]),
                 {"meeting_ref": "ครั้งที่ 3/2569", "public_source": "สลากงวด 16 มี.ค."})
    commitment = commitments.current_commitment(application)
    assert commitment.public_source == "สลากงวด 16 มี.ค."
    page = officer.get(reverse("application_detail", args=[application.pk])).content.decode()
    assert commitment.commitment in page
    assert commitment.seed not in page
    assert 'data-testid="public-value"' in page
    api = officer.get(reverse("api:assessment-detail", args=[application.pk])).json()
    assert api["next_commitment"]["commitment"] == commitment.commitment
    assert commitment.seed not in str(api)
    # without the public value: refused, nothing drawn
    officer.post(reverse("assessment_draw", args=[application.pk]), {"public_value": " "})
    assert not application.draws.exists()
    DrawCommitment.objects.filter(pk=commitment.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5))
    officer.post(reverse("assessment_draw", args=[application.pk]),
                 {"public_value": "สลาก 16 มี.ค. 69 รางวัลที่ 1 845621"})
    draw = application.draws.get()
    assert draw.commitment.revealed_seed == commitment.seed
    page = officer.get(reverse("draw_detail", args=[draw.pk])).content.decode()
    assert 'data-testid="draw-verifier"' in page
    assert "python verify_draw.py" in page
    script = officer.get(reverse("draw_verifier"))
    assert script.status_code == 200
    assert b"def exclusion_rule" in script.content
    # the API draws the same way
    again = approved_application(world.a)
    expert_pool(world.b.province, 3)
    response = officer.post(reverse("api:assessment-draw", args=[again.pk]), {},
                            content_type="application/json")
    assert response.status_code == 400
    response = officer.post(reverse("api:assessment-draw", args=[again.pk]),
                            {"public_value": "845621"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["seed"] == again.draws.get().commitment.seed
