"""A synthetic country at national scale, for the benchmark and the scale tests (issue 10).

At factor 1.0 ``build()`` writes what the portal serves nationally: 77 provinces with their
committees, 878 districts, 7,850 LAOs in the real type mix, 30,000 schools and child development
centres, 500,000 people with their employment and history lines (ก.พ.7), and 60,000
academic-standing requests in every state with their evidence rows, checks, history and PA
results, and 20,000 experts who assess them. Every count is ``round(national × factor)`` (at
least one of each kind). The number of provinces shrinks with the factor too, so that a
province keeps a true-to-life size at any factor and only the national pages grow with it.

On top come the benchmark's *hot spots*, the same size at any factor: one school with a roster
of ``hot_roster`` active people (500) and one LAO, a city municipality of the first province,
whose office queue holds ``hot_queue`` requests (1,000). Every role around them has a login
(``hot_logins``) with the password ``SCALE_PASSWORD``; every other account's password is
unusable.

Everything is written in bulk (``devdata.scale.writer``): COPY on PostgreSQL, executemany elsewhere.
Primary keys, treebeard paths and foreign keys are computed here, so nothing is read back.
Certified requests are written as they are made in the portal: at the office first, with their
files and checks, then certified by UPDATE, which the certification lock
(appraisal/migrations/0003) allows, and those past the certification moved on by one more
UPDATE per state (the lock freezes the certified content, not the state).

Appraisal part 2 follows the certification: the registry of 20,000 experts (at factor 1.0),
each with a portal account, and a fifth of the requests moved on through the assessment
(``STATE_MIX``: approved for assessment, assessors complete, assessed, result approved or not,
notified, appointed), each with its draw, three invitations, score sheets, the decision and
history as the services leave them (``_experts``, ``_assessment``). The hot assessor
(``hot_logins()["assessor"]``) has a queue of ``HOT_ASSESSOR_AWAITING`` invitations awaiting
a reply and ``HOT_ASSESSOR_DRAFTING`` + ``HOT_ASSESSOR_SUBMITTED`` accepted ones at any factor.
"""


from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connections, transaction
from django.utils import timezone

from accounts.models import Organization, User

from .applications import _applications, _certify
from .assessment import _assessment, _experts
from .plan import SCALE_PASSWORD, SEED, Plan, hot_logins, names
from .world import World, _office_accounts, _orgs, _people
from .writer import Writer

# The steps, in order.
STEPS: list[tuple[str, Callable[[World], None]]] = [
    ("organisations and committees", _orgs),
    ("office accounts", _office_accounts),
    ("people, accounts and history", _people),
    ("applications, files, checks, PA", _applications),
    ("certification", _certify),
    ("experts, their accounts and assessors", _experts),
    ("assessment: draws, invitations, sheets, decisions", _assessment),
]


@dataclass
class Summary:
    plan: Plan
    seconds: float
    steps: dict[str, float]
    rows: dict[str, int]
    method: str

    def as_dict(self) -> dict:
        return {"factor": self.plan.factor, "seconds": round(self.seconds, 1),
                "method": self.method, "steps": {k: round(v, 1) for k, v in self.steps.items()},
                "rows": dict(sorted(self.rows.items())),
                "hot_assessor": {"login": hot_logins()["assessor"],
                                 "awaiting": self.plan.hot_assessor_awaiting,
                                 "accepted": self.plan.hot_assessor_accepted}}


def build(factor: float, *, hot_roster: int = 500, hot_queue: int = 1000, seed: int = SEED,
          using: str = "default", copy: bool | None = None,
          log: Callable[[str], None] = lambda _line: None) -> Summary:
    """Write the synthetic country into ``using`` (which should hold no organisation yet)."""
    plan = Plan.for_factor(factor, hot_roster=hot_roster, hot_queue=hot_queue)
    started = time.perf_counter()
    now = timezone.now()
    writer = Writer(using, copy=copy, now=now)
    names()  # romanising the name pools takes a few seconds: not part of any step
    rng = random.Random(seed)
    world = World(plan=plan, writer=writer, rng=rng, now=now, today=timezone.localdate(),
                  password=make_password(SCALE_PASSWORD))  # hashed once
    steps: dict[str, float] = {}
    with transaction.atomic(using=using):
        for label, step in STEPS:
            t = time.perf_counter()
            step(world)
            steps[label] = time.perf_counter() - t
            log(f"  {label}: {steps[label]:.1f} s")
        writer.finish()
    if connections[using].vendor == "postgresql":
        t = time.perf_counter()
        with connections[using].cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics, for the benchmark's queries
        steps["analyze"] = time.perf_counter() - t
    return Summary(plan=plan, seconds=time.perf_counter() - started, steps=steps,
                   rows=dict(writer.rows), method="COPY" if writer.copy else "executemany")


def reset(using: str = "default") -> None:
    """Empty the tables the build writes, and everything that refers to them, on PostgreSQL
    (TRUNCATE fires no row trigger, so the certification lock lets certified requests go).
    Data the migrations put in (subject areas, e-Learning channels) stays."""
    connection = connections[using]
    name = connection.settings_dict["NAME"] or ""
    if connection.vendor != "postgresql":
        raise ValueError("--reset needs PostgreSQL; for SQLite delete the file and migrate")
    if not any(word in name for word in ("scale", "bench", "test")):
        raise ValueError(f"refusing to empty the database {name!r}: --reset only runs on a "
                         "database whose name contains 'scale', 'bench' or 'test'")
    tables = [Organization._meta.db_table, User._meta.db_table, "django_session"]
    with connection.cursor() as cursor:
        # deferred foreign-key checks of this transaction first: TRUNCATE refuses to run
        # while any are pending
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    from guardian.management import create_anonymous_user

    create_anonymous_user(None, using=using)  # django-guardian's row, emptied with the users
