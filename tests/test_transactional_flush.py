"""After a transactional test the tables are emptied; on SQLite (the README's default, `make
test`) that is a DELETE that the certification lock's triggers refuse for a certified request.
tests/conftest.py takes the triggers away for the flush and puts them back after it. These two
tests run in this order: the first leaves a certified request behind, the second finds the
tables empty and the lock back in force."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from appraisal.choices import ApplicationState
from appraisal.models import Application
from tests.appraisal.assessment_factories import approved_application
from tests.factories import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_certified_request_is_left_for_the_flush():
    world = build_world()
    application = approved_application(world.a, state=ApplicationState.QUALIFIED)
    assert application.certified_at is not None
    assert Application.objects.filter(certified_at__isnull=False).count() == 1


def test_the_next_test_starts_empty_with_the_lock_in_force():
    assert not Application.objects.exists()
    world = build_world()
    application = approved_application(world.a, state=ApplicationState.QUALIFIED)
    with pytest.raises(IntegrityError, match="certified"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE appraisal_application SET work_title = %s WHERE id = %s",
                       ["แก้หลังรับรอง", application.pk])
    application.refresh_from_db()
    assert application.work_title != "แก้หลังรับรอง"
    assert application.certified_at <= timezone.now()
