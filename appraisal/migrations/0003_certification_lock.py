"""After the office director certifies an application (seed 004 step 2: "การรับรองข้อมูล จะไม่
สามารถย้อนกลับไปแก้ไขข้อมูลได้อีก"), the database itself refuses to change the request, its files
or its checks, whatever code path tries. The service layer refuses first, with a Thai message;
these triggers are the guard against bugs and hand-made SQL. Later steps (committee, draw) may
still move the state on: only the certified content is frozen.
"""

from django.db import migrations

# The columns that the certification freezes.
FROZEN = ["person_id", "organization_id", "office_id", "current_standing", "requested_standing",
          "classroom_type", "subject_area_id", "work_title", "shorten_ground", "round_no",
          "filed_on", "entered_on", "snapshot", "certified_at", "certified_by_id"]
MESSAGE = "application is certified: its data, files and checks cannot change"
CHILDREN = ["appraisal_evidencefile", "appraisal_qualificationcheck"]


def _postgres():
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)
    sql = [f"""
CREATE OR REPLACE FUNCTION appraisal_application_frozen() RETURNS trigger AS $$
BEGIN
  IF OLD.certified_at IS NOT NULL THEN
    IF TG_OP = 'DELETE' OR {changed} THEN
      RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;""",
           """CREATE TRIGGER appraisal_application_frozen BEFORE UPDATE OR DELETE
              ON appraisal_application FOR EACH ROW EXECUTE FUNCTION appraisal_application_frozen();""",
           f"""
CREATE OR REPLACE FUNCTION appraisal_child_frozen() RETURNS trigger AS $$
DECLARE app_id bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN app_id := OLD.application_id; ELSE app_id := NEW.application_id; END IF;
  IF EXISTS (SELECT 1 FROM appraisal_application
             WHERE id = app_id AND certified_at IS NOT NULL) THEN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;"""]
    for table in CHILDREN:
        sql.append(f"""CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}
                       FOR EACH ROW EXECUTE FUNCTION appraisal_child_frozen();""")
    return sql


def _sqlite():
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)
    raise_ = f"SELECT RAISE(ABORT, '{MESSAGE}');"
    sql = [
        f"""CREATE TRIGGER appraisal_application_frozen_u BEFORE UPDATE ON appraisal_application
            WHEN OLD.certified_at IS NOT NULL AND ({changed}) BEGIN {raise_} END;""",
        f"""CREATE TRIGGER appraisal_application_frozen_d BEFORE DELETE ON appraisal_application
            WHEN OLD.certified_at IS NOT NULL BEGIN {raise_} END;""",
    ]
    certified = ("(SELECT certified_at FROM appraisal_application WHERE id = {ref}.application_id)"
                 " IS NOT NULL")
    for table in CHILDREN:
        for op, ref in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            sql.append(f"""CREATE TRIGGER {table}_frozen_{op[0].lower()} BEFORE {op} ON {table}
                           WHEN {certified.format(ref=ref)} BEGIN {raise_} END;""")
    return sql


def _drop(vendor):
    if vendor == "postgresql":
        return ["DROP TRIGGER IF EXISTS appraisal_application_frozen ON appraisal_application;",
                *[f"DROP TRIGGER IF EXISTS {t}_frozen ON {t};" for t in CHILDREN],
                "DROP FUNCTION IF EXISTS appraisal_application_frozen();",
                "DROP FUNCTION IF EXISTS appraisal_child_frozen();"]
    names = ["appraisal_application_frozen_u", "appraisal_application_frozen_d"] + [
        f"{t}_frozen_{s}" for t in CHILDREN for s in "iud"]
    return [f"DROP TRIGGER IF EXISTS {n};" for n in names]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": _postgres, "sqlite": _sqlite}.get(vendor)
    if statements is None:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise RuntimeError(f"no certification lock for database {vendor}")
    for statement in statements():
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in _drop(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0002_subject_areas")]
    operations = [migrations.RunPython(forwards, backwards)]
