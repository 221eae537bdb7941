"""The local agent's HTTP side, with the card replaced by a recorded one: who it answers (CORS,
Host), what it answers, and that no card data reaches the log or the disk."""

import datetime
import http.client
import json
import logging
import threading

import pytest

from cardreader import agent as agent_module
from cardreader.card import read_from
from cardreader.errors import CardExpiredError, NoCardError, NotThaiIdCardError, ReaderServiceError
from tests.cardreader.recording import ReplayTransport, load

PORTAL = "http://portal.test:8000"


def recorded_card(*, photo=False, **kwargs):
    recording = load("th_nid_full_with_photo")
    today = datetime.date.fromisoformat(recording["recorded"])
    return read_from(ReplayTransport(recording), photo=photo, today=today)


class FakeReader:
    def __init__(self):
        self.error = None
        self.calls = []

    def read_card(self, *, reader=None, photo=False):
        self.calls.append({"reader": reader, "photo": photo})
        if self.error is not None:
            raise self.error
        return recorded_card(photo=photo)

    def status(self):
        if isinstance(self.error, ReaderServiceError):
            raise self.error
        return {"readers": [{"name": "ACS ACR39U", "card_present": self.error is None},
                            {"name": "Other", "card_present": False}]}


@pytest.fixture
def fake():
    return FakeReader()


@pytest.fixture
def server(fake):
    agent = agent_module.Agent(origins=[PORTAL + "/"], read_card=fake.read_card,
                               status=fake.status)
    srv = agent_module.make_server(agent, port=0)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


def call(srv, method, path, *, origin=PORTAL, body=None, host=None, headers=None):
    port = srv.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    all_headers = {"Host": host or f"127.0.0.1:{port}", **(headers or {})}
    if origin:
        all_headers["Origin"] = origin
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=all_headers)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    data = json.loads(raw) if raw else None
    return response, data


def test_read_answers_the_portal_with_cors_and_the_form_fields(server, fake):
    response, data = call(server, "POST", "/read", body={})
    assert response.status == 200
    assert response.getheader("Access-Control-Allow-Origin") == PORTAL
    assert response.getheader("Cache-Control") == "no-store"
    assert response.getheader("Vary") == "Origin"
    assert data["card"]["national_id"] == "3100500123458"
    assert data["registration"]["title_th"] == "นางสาว"
    assert "photo_jpeg_base64" not in data["card"]  # only when asked
    assert fake.calls == [{"reader": None, "photo": False}]


def test_the_photo_only_when_asked(server, fake):
    _, data = call(server, "POST", "/read", body={"photo": True})
    assert data["card"]["photo_jpeg_base64"].startswith("/9j/")  # FF D8 FF in base64
    _, data = call(server, "POST", "/read", body={"photo": "yes"})
    assert "photo_jpeg_base64" not in data["card"]


def test_a_page_of_another_site_gets_nothing(server, fake):
    for method, path in (("POST", "/read"), ("GET", "/status"), ("OPTIONS", "/read")):
        response, data = call(server, method, path, origin="https://evil.example",
                              body={} if method == "POST" else None)
        assert response.status == 403
        assert response.getheader("Access-Control-Allow-Origin") is None
        assert data["error"] == "origin"
    assert fake.calls == []


def test_a_rebound_host_name_is_refused(server, fake):
    """DNS rebinding: evil.example resolves to 127.0.0.1, its page calls "itself"."""
    port = server.server_address[1]
    response, data = call(server, "POST", "/read", origin=None, body={},
                          host=f"evil.example:{port}")
    assert response.status == 403
    assert data["error"] == "host"
    assert fake.calls == []
    response, _ = call(server, "GET", "/status", origin=None, host=f"localhost:{port}")
    assert response.status == 200


def test_the_preflight_allows_json_posts_and_chromes_private_network_access(server):
    response, _ = call(server, "OPTIONS", "/read", headers={
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
        "Access-Control-Request-Private-Network": "true",
    })
    assert response.status == 204
    assert response.getheader("Access-Control-Allow-Origin") == PORTAL
    assert "POST" in response.getheader("Access-Control-Allow-Methods")
    assert response.getheader("Access-Control-Allow-Headers") == "Content-Type"
    assert response.getheader("Access-Control-Allow-Private-Network") == "true"


def test_a_local_program_without_origin_may_ask(server):
    response, data = call(server, "POST", "/read", origin=None, body={})
    assert response.status == 200
    assert response.getheader("Access-Control-Allow-Origin") is None
    assert data["card"]["national_id"]


def test_status_tells_readers_and_card_without_card_data(server, fake):
    response, data = call(server, "GET", "/status")
    assert response.status == 200
    assert data["agent"] == "dlep-cardreader"
    assert data["ready"] is True
    assert data["card_present"] is True
    assert [r["name"] for r in data["readers"]] == ["ACS ACR39U", "Other"]
    assert fake.calls == []  # status never reads the card

    fake.error = ReaderServiceError(detail="establish context: 0x8010001D")
    _, data = call(server, "GET", "/status")
    assert data["ready"] is False
    assert data["error"] == "reader_service"
    assert "pcscd" in data["message"]


@pytest.mark.parametrize(("error", "status", "code"), [
    (NoCardError(), 409, "no_card"),
    (NotThaiIdCardError(), 422, "not_thai_id"),
    (CardExpiredError(expiry=datetime.date(2020, 1, 1)), 422, "card_expired"),
    (ReaderServiceError(), 503, "reader_service"),
])
def test_errors_come_back_typed_with_a_thai_message(server, fake, error, status, code):
    fake.error = error
    response, data = call(server, "POST", "/read", body={})
    assert response.status == status
    assert response.getheader("Access-Control-Allow-Origin") == PORTAL  # the page can read it
    assert data["error"] == code
    assert data["message"] == error.message
    assert "national_id" not in data


@pytest.mark.parametrize("body", [b"[1, 2]", b"{not json", b"x" * 2000])
def test_bad_bodies_are_refused(server, body):
    port = server.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/read", body=body, headers={"Host": f"127.0.0.1:{port}",
                                                      "Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 400


def test_unknown_paths(server):
    assert call(server, "GET", "/read")[0].status == 404
    assert call(server, "POST", "/status", body={})[0].status == 404


class Collect(logging.Handler):
    """Our own handler: CI runs pytest with ``-p no:logging`` (no caplog)."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_nothing_of_the_card_is_logged_or_written(server, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    collect = Collect()
    loggers = [logging.getLogger(name) for name in ("cardreader.agent", "cardreader.reader")]
    for logger in loggers:
        logger.addHandler(collect)
        monkeypatch.setattr(logger, "level", logging.DEBUG)
    try:
        _, data = call(server, "POST", "/read", body={"photo": True})
        call(server, "POST", "/read", origin="https://evil.example", body={})
    finally:
        for logger in loggers:
            logger.removeHandler(collect)
    assert data["card"]["national_id"] == "3100500123458"
    text = "\n".join(collect.lines)
    assert "POST /read 200" in text
    assert "POST /read 403" in text
    for secret in ("3100500123458", "สมหญิง", "Somying", "1967", "/9j/"):
        assert secret not in text
    assert list(tmp_path.iterdir()) == []


def test_origins_from_settings_style_values():
    assert agent_module.origins_from(["HTTPS://Portal.Example/", " http://localhost:8000 ",
                                      "not a url", ""]) == {
        "https://portal.example", "http://localhost:8000"}


def test_options_from_the_environment_and_the_command_line(monkeypatch):
    monkeypatch.setenv("CARDREADER_ALLOWED_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("CARDREADER_AGENT_PORT", "9999")
    args = agent_module.parse_args([])
    assert args.port == 9999
    assert args.origins is None
    assert agent_module._env_origins() == ["https://a.example", " https://b.example"]
    args = agent_module.parse_args(["--port", "8766", "--allow-origin", "https://c.example"])
    assert (args.port, args.origins) == (8766, ["https://c.example"])
    monkeypatch.delenv("CARDREADER_ALLOWED_ORIGINS")
    assert agent_module._env_origins() == list(agent_module.DEFAULT_ORIGINS)


def test_one_read_at_a_time(fake):
    started, release = threading.Event(), threading.Event()

    def slow_read(**kwargs):
        started.set()
        release.wait(5)
        return recorded_card()

    agent = agent_module.Agent(origins=[PORTAL], read_card=slow_read, status=fake.status)
    monkey_wait = agent_module.READ_WAIT_SECONDS
    agent_module.READ_WAIT_SECONDS = 0.05
    try:
        first = threading.Thread(target=agent.read, kwargs={"photo": False})
        first.start()
        started.wait(5)
        from cardreader.errors import ReaderBusyError

        with pytest.raises(ReaderBusyError):
            agent.read(photo=False)
    finally:
        release.set()
        first.join(5)
        agent_module.READ_WAIT_SECONDS = monkey_wait
