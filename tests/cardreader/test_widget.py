"""The registration page carries the card reader: the button, the agent's address from the
settings, the Thai texts the script shows, and the script itself."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_staff_registration_page_has_the_card_reader(client, settings):
    settings.CARDREADER_AGENT_URL = "http://127.0.0.1:9876"
    page = client.get("/register/staff/").content.decode()
    assert 'data-testid="card-reader-button"' in page
    assert "อ่านบัตรประชาชน" in page
    assert 'data-agent-url="http://127.0.0.1:9876"' in page
    assert "js/cardreader.js" in page
    assert 'name="card_expiry"' in page
    assert 'name="from_card"' in page
    assert "python -m cardreader.agent" in page  # what to do when the agent is not running
    messages = json.loads(re.search(
        r'<script id="card-reader-messages" type="application/json">(.*?)</script>', page,
        re.S).group(1))
    assert messages["agent_missing"] == "ไม่พบโปรแกรมอ่านบัตรบนเครื่องนี้"
    assert set(messages["errors"]) >= {"no_reader", "no_card", "card_removed", "not_thai_id",
                                       "card_expired", "reader_service"}


def test_the_settings_defaults():
    from django.conf import settings

    assert settings.CARDREADER_AGENT_URL == "http://127.0.0.1:8765"
    assert settings.CARDREADER_ALLOWED_ORIGINS == ["http://127.0.0.1:8000",
                                                   "http://localhost:8000"]
