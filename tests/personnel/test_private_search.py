"""Searching by national ID keeps the number out of the address and the logs (core/search.py,
core/logmask.py): the search forms post, the words get a token kept in the session."""

import logging
import re

import pytest
from django.urls import reverse

from accounts.rules import Role
from core.search import TOKEN
from tests.core.test_logmask import THIRTEEN, logged_through
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _handlers():
    return {h for name in ("", "django", "django.request", "django.server")
            for h in logging.getLogger(name).handlers}


def test_the_roster_finds_a_national_id_without_it_in_the_url_or_the_logs(client, world):
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    other = PersonFactory(organization=world.a.school2, first_name="บุญมี", last_name="มีสุข")
    found = {}

    def search():
        found["response"] = client.post(reverse("roster"), {
            "private_search": "1", "q": other.national_id, "status": "",
            "organization": world.a.school2.pk}, follow=True)

    text = logged_through(_handlers(), search)
    response = found["response"]
    assert response.status_code == 200
    urls = [url for url, _status in response.redirect_chain]
    assert len(urls) == 1
    assert f"{TOKEN}=" in urls[0]
    assert f"organization={world.a.school2.pk}" in urls[0]
    assert not any(THIRTEEN.search(url) for url in urls)
    assert not THIRTEEN.search(text), text
    html = response.content.decode()
    assert "บุญมี" in html
    assert world.a.person.full_name_th not in html
    # the number stays in the search box (the page's body), not in any link of the page
    assert f'value="{other.national_id}"' in html
    assert not re.search(r'href="[^"]*[0-9]{13}', html)
    # back, reload, the Excel export of the same address: the token still stands for the words
    again = client.get(urls[0]).content.decode()
    assert "บุญมี" in again
    assert "มีสุข" in again
    export = client.get(reverse("roster_export") + "?" + urls[0].split("?", 1)[1])
    assert export.status_code == 200
    # another session does not know the token: the list shows unsearched, nothing leaks
    client.logout()
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    html = client.get(urls[0]).content.decode()
    assert f'value="{other.national_id}"' not in html


def test_a_token_of_another_session_or_none_searches_nothing(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    html = client.get(reverse("roster"), {TOKEN: "made-up"}).content.decode()
    assert world.a.person.full_name_th in html


@pytest.mark.parametrize(("page", "role"), [("office_queue", Role.OFFICER),
                                            ("expert_list", Role.PROVINCE_ADMIN)])
def test_the_other_search_forms_post_too(client, world, page, role):
    client.force_login(world.a.users[role])
    html = client.get(reverse(page)).content.decode()
    assert 'method="post"' in html
    assert 'name="private_search"' in html
    response = client.post(reverse(page), {"private_search": "1", "q": "1234567890123"})
    assert response.status_code == 302
    assert f"{TOKEN}=" in response.url
    assert not THIRTEEN.search(response.url)
    html = client.get(response.url).content.decode()
    assert 'value="1234567890123"' in html
