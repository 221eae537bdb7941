import pytest

from tests.elearning import helpers


@pytest.fixture(autouse=True)
def _defaults(request):
    """The seed's channels and requirements, for every test that uses the database (a
    transactional test elsewhere may have flushed what the data migration added)."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        from elearning import services

        request.getfixturevalue("db")
        services.ensure_defaults()


@pytest.fixture
def round1(db):
    return helpers.round_2569_1()

