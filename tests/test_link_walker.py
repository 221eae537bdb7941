"""Every link a user can click works: as each demo role (and an assessor holding accepted
invitations), the link walker (tests/linkwalker.py) follows every internal link from the
dashboard; none may answer 404 or a server error."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.urls import path

from accounts.models import User
from devdata import demo
from devdata.demo import committees as committees_demo
from dlep import urls as portal_urls
from tests.linkwalker import links_of, walk

ROLES = [username for username, *_rest in demo.DEMO_LOGINS] + ["hr_5480101", "assessor"]


@pytest.fixture
def demo_world(db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("username", ROLES)
def test_no_link_answers_404_or_a_server_error(demo_world, client, username):
    if username == "assessor":
        accepted = committees_demo.assessors()
        assert accepted, "the demo has assessors who accepted"
        username = accepted[0]
    client.force_login(User.objects.get(username=username))
    result = walk(client)
    assert result.broken == [], f"{username}:\n{result.report()}"
    # the walk went somewhere: the dashboard and the pages its menu links to
    assert len(result.visited) >= 10, result.visited


def test_the_assessor_reaches_the_application_and_the_score_sheet(demo_world, client):
    client.force_login(User.objects.get(username=committees_demo.assessors()[0]))
    visited = walk(client).visited
    assert any("/appraisal/assessment/invitations/" in url and "/score/" in url and status == 200
               for url, status in visited.items()), visited


# The walker itself: a page with a broken link is reported, with the page that links to it.

def _page(request):
    return HttpResponse('<a href="/ok/">ok</a> <a href="/gone/">gone</a> '
                        '<a href="mailto:x@example.org">mail</a> <a href="#top">top</a>')


def _ok(request):
    return HttpResponse("<p>ok</p>")


# the portal's own routes after these two: the 404 page's layout links to them
urlpatterns = [path("", _page), path("ok/", _ok), *portal_urls.urlpatterns]


def test_the_walker_reports_a_broken_link(client, settings):
    settings.ROOT_URLCONF = __name__
    result = walk(client)
    assert result.visited == {"/": 200, "/ok/": 200, "/gone/": 404}
    assert result.broken == [("/gone/", 404, "/")]


def test_links_are_read_from_anchors_only():
    assert links_of('<a href="/a/">a</a><link href="/b.css"><form action="/c/"></form>'
                    '<a>no href</a>') == ["/a/"]


# No URL is built by cutting strings: a link comes whole from reverse() (or a model's
# get_absolute_url). A reverse() with a placeholder argument cut off afterwards broke every link of
# the assessor's queue.
SURGERY = re.compile(r"reverse\((?:[^()]|\([^()]*\))*\)\s*(?:\.(?:removesuffix|removeprefix|"
                     r"replace|rstrip|lstrip|strip|rsplit|split|partition|rpartition)\(|\[)")


def test_no_url_is_built_by_cutting_a_string():
    root = Path(__file__).resolve().parents[1]
    offenders = [f"{p.relative_to(root)}:{n}" for p in root.glob("*/**/*.py")
                 if not p.is_relative_to(root / ".venv") and not p.is_relative_to(root / "tests")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
                 if SURGERY.search(line)]
    assert offenders == []


def test_the_surgery_pattern_sees_the_old_bug():
    assert SURGERY.search('links = reverse(name, args=[0]).removesuffix("0/")')
    assert SURGERY.search('reverse("x", kwargs={"pk": 0})[:-2]')
    assert not SURGERY.search('reverse("person_detail", args=[p.pk])')
