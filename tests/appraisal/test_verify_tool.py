"""``tools/verify_draw.py`` run as an outsider runs it (issue 19, "Done when"): a commitment
published with the agenda item, the draw with a public value at the meeting, the seed revealed,
the record exported as JSON from the draw's page, the script (standard library only, a separate
process) says 0; on copies with a changed pick, pool member, public value, seed, commitment, or
a wrongly claimed exclusion it says 1 and names what does not hold; 2 for what is no record."""

from __future__ import annotations

import copy
import datetime
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.rules import Role
from appraisal import rules
from appraisal.models import AssessorDraw
from appraisal.services import draw as draws
from committees import services as committee_services
from committees.models import Decision, ItemKind
from tests.appraisal.assessment_factories import (
    PUBLIC_VALUE,
    approved_application,
    client_of,
    expert_pool,
    make_expert,
)
from tests.committees.factories import committee_of, qualified

pytestmark = pytest.mark.django_db
SCRIPT = Path(settings.BASE_DIR) / "tools" / "verify_draw.py"


def run(path: Path, python: str = sys.executable) -> subprocess.CompletedProcess:
    return subprocess.run([python, str(SCRIPT), str(path)], capture_output=True, text=True,
                          encoding="utf-8", timeout=60, check=False)


def the_tool():
    spec = importlib.util.spec_from_file_location("verify_draw_tool", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def exported(world, tmp_path):
    """The committee's way: the item publishes the commitment; the meeting approves and draws
    with the public value; the draw's page gives out the record."""
    secretary = world.a.users[Role.PROVINCE_ADMIN]
    expert_pool(world.b.province, 5)
    make_expert(world.b.province, home=world.b.province, user=False)  # excluded: no account
    make_expert(world.a.province, home=world.a.school)  # excluded: the applicant's school
    application = qualified(world.a, "ครูตรวจสอบ")
    meeting = committee_services.create_meeting(
        actor=secretary, committee=committee_of(world.a), number=9, year_be=2569,
        date=datetime.date(2026, 11, 20))
    item = committee_services.create_item(actor=secretary, meeting=meeting,
                                          kind=ItemKind.PANELS, applications=[application],
                                          public_source="สลากกินแบ่งรัฐบาล งวดแรกหลังวันประชุม")
    commitment = item.commitment
    assert commitment.revealed_at is None
    committee_services.record_resolution(actor=secretary, item=item, decision=Decision.APPROVED,
                                         draw_now=True, public_value=PUBLIC_VALUE)
    commitment.refresh_from_db()
    assert commitment.revealed_at is not None
    draw = AssessorDraw.objects.get(application=application)
    response = client_of(world.a.users[Role.OFFICER]).get(
        reverse("draw_detail", args=[draw.pk]) + "?format=json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    record = json.loads(response.content)
    path = tmp_path / f"draw-{draw.pk}.json"
    path.write_bytes(response.content)
    return path, record, draw


def write(tmp_path, record, name) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_record_has_the_keys_an_outsider_needs(exported):
    _path, record, draw = exported
    for key in ("commitment", "seed", "public_value", "pool", "excluded", "picks", "values",
                "eligible", "application_facts", "digest", "commitment_made_at"):
        assert key in record, key
    assert record["commitment"] == rules.commitment_of(record["seed"])
    assert record["public_value"] == PUBLIC_VALUE
    assert record["pool"] == sorted(record["pool"])
    assert {row["rule"] for row in record["excluded"]} >= {"no_account", "same_school"}
    assert all(row["facts"]["id"] == row["expert"] for row in record["excluded"])
    assert record["picks"] == draw.picks


def test_an_honest_record_passes(exported):
    path, _record, _draw = exported
    result = run(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ผ่าน" in result.stdout
    assert "PASSED" in result.stdout


def _other_pick(record):
    spare = next(p for p in record["pool"] if p not in record["picks"])
    record["picks"][0] = spare


def _pool_member(record):
    record["pool"] = record["pool"][:-1]


def _public_value(record):
    record["public_value"] = record["public_value"] + " 1"


def _seed(record):
    seed = record["seed"]
    record["seed"] = ("0" if seed[0] != "0" else "1") + seed[1:]


def _commitment(record):
    c = record["commitment"]
    record["commitment"] = ("0" if c[0] != "0" else "1") + c[1:]


def _claimed_exclusion(record):
    """An eligible expert moved to the excluded with a rule that its facts do not give."""
    row = record["eligible"].pop(0)
    record["excluded"].append({"expert": row["expert"], "rule": "spouse", "facts": row["facts"]})
    record["pool"].remove(row["expert"])


def _changed_fact(record):
    """An exclusion's recorded facts changed so that its rule no longer follows."""
    row = next(r for r in record["excluded"] if r["rule"] == "same_school")
    row["facts"]["home_path"] = "9999"


@pytest.mark.parametrize(("change", "named"), [
    (_other_pick, "picks"), (_pool_member, "pool"), (_public_value, "values"),
    (_seed, "commitment"), (_commitment, "commitment"), (_claimed_exclusion, "exclusion"),
    (_changed_fact, "exclusion"),
])
def test_a_changed_record_fails_and_says_what(exported, tmp_path, change, named):
    _path, record, _draw = exported
    changed = copy.deepcopy(record)
    change(changed)
    result = run(write(tmp_path, changed, change.__name__))
    assert result.returncode == 1, result.stdout
    assert f"[{named}]" in result.stdout, result.stdout
    assert "FAILED" in result.stdout
    # a forger who recomputes the digest is still caught, by the rules
    tool = the_tool()
    changed["digest"] = tool.digest_of(changed)
    result = run(write(tmp_path, changed, change.__name__ + "-rehashed"))
    assert result.returncode == 1, result.stdout
    assert "[digest]" not in result.stdout


def test_a_record_that_is_no_record_is_exit_2(tmp_path):
    assert run(tmp_path / "missing.json").returncode == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert run(bad).returncode == 2
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"hello": 1}), encoding="utf-8")
    result = run(other)
    assert result.returncode == 2
    assert "อ่านไฟล์บันทึกการสุ่มไม่ได้" in result.stdout


def test_a_legacy_record_says_it_is_of_the_old_kind(world, tmp_path):
    """A draw made before commit-reveal (values from the server's generator): the old checks
    still hold, and the script says plainly what it cannot prove."""
    application = approved_application(world.a)
    expert_pool(world.b.province, 4)
    draw = draws.draw_assessors(application, actor=None, trigger="refill:legacy")
    assert draw.version == rules.RECORD_LEGACY
    assert draws.verify_draw(draw).ok
    path = write(tmp_path, draws.export_of(draw), "legacy")
    result = run(path)
    assert result.returncode == 0, result.stdout
    assert "แบบเดิม" in result.stdout
    assert "OLD kind" in result.stdout
    record = draws.export_of(draw)
    record["picks"] = list(reversed(record["picks"]))
    assert run(write(tmp_path, record, "legacy-changed")).returncode == 1


def _python_3_8() -> str | None:
    """A working Python 3.8 on this machine, if any (a pyenv shim may exist without one)."""
    candidates = [shutil.which("python3.8"),
                  *sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.8*/bin/python"))]
    for candidate in filter(None, candidates):
        try:
            done = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                                  capture_output=True, text=True, timeout=20, check=False)
        except OSError:
            continue
        if done.returncode == 0 and done.stdout.strip() == "(3, 8)":
            return candidate
    return None


def test_it_runs_on_python_3_8(exported):
    """The oldest Python the script promises (a teachers' union's laptop)."""
    python = _python_3_8()
    if python is None:
        pytest.skip("no Python 3.8 on this machine")
    path, _record, _draw = exported
    result = run(path, python=python)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the script and the portal compute the same (two implementations, one rule) ---------------

ISO_DAYS = st.dates(min_value=datetime.date(2015, 1, 1),
                    max_value=datetime.date(2030, 12, 31)).map(
    lambda d: d.isoformat())
PERIOD = st.fixed_dictionaries({"school": st.sampled_from(["ก", "ข"]), "from": ISO_DAYS,
                                "to": st.none() | ISO_DAYS})
FACTS = st.fixed_dictionaries({
    "id": st.integers(1, 6),
    "user_id": st.none() | st.integers(1, 4),
    "user_active": st.booleans(),
    "is_active": st.booleans(),
    "active_from": ISO_DAYS,
    "active_to": st.none() | ISO_DAYS,
    "subject_area_ids": st.lists(st.integers(1, 3), max_size=2),
    "classroom_types": st.lists(st.sampled_from(["primary", "secondary"]), max_size=2),
    "standings": st.lists(st.sampled_from(["professional", "expert"]), max_size=2),
    "max_concurrent": st.integers(1, 3),
    "open_assignments": st.integers(0, 3),
    "home_path": st.sampled_from(["", "0001", "00010002", "00030004"]),
    "member_paths": st.lists(st.sampled_from(["0001", "000100020003", "0005"]), max_size=2),
    "same_national_id": st.booleans(),
    "declared": st.lists(st.fixed_dictionaries({
        "relation": st.integers(1, 9), "match": st.just("person"),
        "kind": st.sampled_from(["spouse", "kin", "former_supervisor", "former_subordinate",
                                 "same_school"]),
        "until": st.none() | ISO_DAYS}), max_size=2),
    "school_periods": st.lists(PERIOD, max_size=2),
})
APP = st.fixed_dictionaries({
    "id": st.just(1), "subject_area_id": st.integers(1, 3),
    "classroom_type": st.sampled_from(["primary", "secondary"]),
    "requested_standing": st.sampled_from(["professional", "expert"]),
    "applicant_user_id": st.integers(1, 4), "school_path": st.sampled_from(["00010002", "0003"]),
    "lao_path": st.sampled_from(["", "0001"]), "as_of": ISO_DAYS,
    "spent_expert_ids": st.lists(st.integers(1, 6), max_size=2),
    "seated_expert_ids": st.lists(st.integers(1, 6), max_size=2),
    "conflict_years": st.just(rules.CONFLICT_YEARS),
    "school_periods": st.lists(PERIOD, max_size=2),
})


@hsettings(max_examples=400, deadline=None)
@given(facts=FACTS, app=APP)
def test_the_script_excludes_exactly_as_the_portal(facts, app):
    assert the_tool_module.exclusion_rule(facts, app) == rules.exclusion_reason(facts, app)


@hsettings(max_examples=200, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32).map(bytes.hex),
       value=st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1,
                     max_size=30).map(rules.canonical_public_value).filter(bool),
       application=st.integers(1, 10**6), sequence=st.integers(1, 50),
       seats=st.sampled_from([[1, 2, 3], [1], [2], [3], [2, 3]]), pool=st.integers(3, 40))
def test_the_script_draws_exactly_as_the_portal(seed, value, application, sequence, seats,
                                                pool):
    ours = rules.committed_values(seed, value, application, sequence, seats, pool)
    assert the_tool_module.values_for(seed, value, application, sequence, seats, pool) == ours
    assert the_tool_module.commitment_of(seed) == rules.commitment_of(seed)


the_tool_module = the_tool()
