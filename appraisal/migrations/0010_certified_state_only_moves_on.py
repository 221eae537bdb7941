"""The certification lock (migration 0003) froze a certified request's data but not its state: a
hand-made ``UPDATE … SET state = 'draft'`` put it back in the applicant's hands, where every edit
then failed on the lock (a 500). Once certified, the state may only move the way the services
move it (appraisal/services/draw.py, invitations.py, scoring.py, outcome.py): on along the
committee's steps, and from "3 assessors" back to "panel approved" when an accepted invitation is
cancelled (invitations.cancel_invitation). Anything else, and any state before certification
(draft, returned …), is refused by the database, whatever code path tries.
"""

from django.db import migrations

# The certified states in the order the services move a request through them.
RANKS = {
    "qualified": 1, "panel_approved": 2, "assessors_complete": 3, "assessed": 4,
    "result_approved": 5, "result_not_approved": 5, "notified": 6, "appointed": 7,
}
# Moves that go back, made by a service
BACKWARD = [("assessors_complete", "panel_approved")]
MESSAGE = "application is certified: its state only moves on through the services"


def _rank(ref: str) -> str:
    cases = " ".join(f"WHEN '{state}' THEN {rank}" for state, rank in RANKS.items())
    return f"(CASE {ref}.state {cases} ELSE 0 END)"


def _allowed() -> str:
    backward = " OR ".join(f"(OLD.state = '{a}' AND NEW.state = '{b}')" for a, b in BACKWARD)
    return f"({_rank('NEW')} > {_rank('OLD')} AND {_rank('OLD')} > 0) OR {backward}"


def _postgres():
    return [f"""
CREATE OR REPLACE FUNCTION appraisal_application_state_moves_on() RETURNS trigger AS $$
BEGIN
  IF OLD.certified_at IS NOT NULL AND NEW.state IS DISTINCT FROM OLD.state
     AND NOT ({_allowed()}) THEN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;""",
            """CREATE TRIGGER appraisal_application_state_moves_on BEFORE UPDATE OF state
               ON appraisal_application FOR EACH ROW
               EXECUTE FUNCTION appraisal_application_state_moves_on();"""]


def _sqlite():
    return [f"""CREATE TRIGGER appraisal_application_state_moves_on BEFORE UPDATE OF state
                ON appraisal_application
                WHEN OLD.certified_at IS NOT NULL AND NEW.state IS NOT OLD.state
                     AND NOT ({_allowed()})
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": _postgres, "sqlite": _sqlite}.get(vendor)
    if statements is None:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise RuntimeError(f"no certification lock for database {vendor}")
    for statement in statements():
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS appraisal_application_state_moves_on "
                              "ON appraisal_application;")
        schema_editor.execute("DROP FUNCTION IF EXISTS appraisal_application_state_moves_on();")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS appraisal_application_state_moves_on;")


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0009_evidence_direct_uploads")]
    operations = [migrations.RunPython(forwards, backwards)]
