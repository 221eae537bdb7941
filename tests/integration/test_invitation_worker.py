"""An invitation past its reply date is timed out and its seat drawn again by the Celery beat
task, in a real worker process with beat embedded (``celery worker -B``), on the same broker as
tests/integration/test_worker.py (a folder in DLEP_DATA_DIR, or REDIS_URL in CI) and the same
database as tests/integration/test_issuing_worker.py (a SQLite file, or the PostgreSQL test
database). The beat entry runs every 2 s here (``ASSESSMENT_EXPIRE_EVERY_SECONDS``) on a queue of
this test's own (``ASSESSMENT_BEAT_QUEUE``)."""

import datetime
import time
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.rules import Role
from appraisal.choices import InvitationState
from appraisal.models import Invitation
from appraisal.services import draw as draws
from tests.appraisal.assessment_factories import PUBLIC_VALUE, approved_application, expert_pool
from tests.factories import build_world

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90


@pytest.fixture
def beat_worker(shared_database, celery_worker):
    _queue, proc = celery_worker("itest-beat", beat=True, env={
        "DATABASE_URL": shared_database, "ASSESSMENT_EXPIRE_EVERY_SECONDS": "2"})
    return proc


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_beat_times_out_a_late_invitation_and_a_worker_draws_again(beat_worker):
    world = build_world()
    application = approved_application(world.a)
    experts = expert_pool(world.b.province, 5)
    for expert in experts:  # no email to send: nothing left on the default queue
        expert.user.email = ""
        expert.user.save()
    first = draws.draw_assessors(application, actor=world.a.users[Role.OFFICER],
                                 public_value=PUBLIC_VALUE)
    late = Invitation.objects.get(draw=first, seat=2)
    Invitation.objects.filter(pk=late.pk).update(
        reply_by=timezone.now() - datetime.timedelta(minutes=1))

    started = time.monotonic()
    deadline = started + TIMEOUT
    while time.monotonic() < deadline:
        late.refresh_from_db()
        if late.state == InvitationState.TIMED_OUT and application.draws.filter(
                sequence=2).exists():
            break
        if beat_worker.poll() is not None:
            pytest.fail(f"worker died: {beat_worker.stdout.read().decode(errors='replace')}")
        time.sleep(0.3)
    else:
        beat_worker.terminate()
        output = beat_worker.communicate(timeout=20)[0].decode(errors="replace")
        pytest.fail(f"not refilled within {TIMEOUT} s; worker output:\n{output}")
    elapsed = time.monotonic() - started

    refill = application.draws.get(sequence=2)
    assert refill.drawn_by is None
    assert refill.trigger == f"refill:timed_out:{late.pk}"
    assert refill.seats == [2]
    assert late.expert_id not in refill.pool
    holder = Invitation.objects.get(application=application, seat=2,
                                    state=InvitationState.AWAITING)
    assert holder.draw == refill
    assert holder.expert_id not in first.picks
    assert draws.verify_draw(refill).ok
    assert elapsed < TIMEOUT
