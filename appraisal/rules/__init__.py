"""Pure rules of academic-standing applications (RULES.md §4; seed 004).

Qualifications (tenure and its reduction, PA, discipline, licence), minimum workload, the
evidence files and the 2-of-3 decision of the assessors. No ORM and no models: the callers
(services, the evidence worker) turn rows into the small frozen facts below, and get back a
``Verdict`` whose Thai explanation is what the teacher and the officers read.

Every explanation goes through ``gettext`` so that it can be translated; dates in it are in the
Buddhist era, formatted by the project's one date formatter (``core.thaidates.format_be``,
PyThaiNLP's ``thai_strftime``: "29 พ.ค. 2560").

Periods (tenure, the age of a language-test result, the discipline window) are counted as
``personnel.rules.tenure`` counts them (ป.พ.พ. ม.193/3 and ม.193/5): from 29 May 2560, 4 years
are complete on 29 May 2564.

Sources, as seed 004 summarises them:

* ว9/2564 (ก.ค.ศ. letter ศธ 0206.3/ว9, 20 May 2564): the criteria — tenure, PA, discipline,
  evidence files, the assessors' decision.
* ว4/2564 (ศธ 0206.4/ว4, 28 Jan 2564) and ว27/2564 (ศธ 0206.4/ว27, 11 Oct 2564): reducing the
  tenure from 4 to 3 years.
* ว21/2564 (ศธ 0206.3/ว21, 30 Aug 2564): minimum workload.

One topic a module; every rule is importable from here as before (``appraisal.rules.decide``).
"""

from __future__ import annotations

from appraisal.rules.common import (  # noqa: F401
    DISCIPLINE_LOOKBACK_YEARS,
    LANGUAGE_RESULT_MAX_AGE_YEARS,
    OUTSTANDING_ROUNDS_REQUIRED,
    PA_PASS_PERCENT,
    REDUCED_TENURE_YEARS,
    STANDING_ORDER,
    TENURE_YEARS,
    Verdict,
    next_standing,
)
from appraisal.rules.conflicts import (  # noqa: F401
    ATTESTATION_VERSION,
    CONFLICT_RULES,
    CONFLICT_YEARS,
    attestation_sha256,
    attestation_text,
    conflict_reason,
)
from appraisal.rules.decision import (  # noqa: F401
    ASSESSORS,
    ASSESSORS_NEEDED,
    DISPLAY_PLACES,
    LEVELS,
    PERCENT_PLACES,
    SIDE_THRESHOLDS,
    SIDES_BASIC,
    SIDES_EXPERT,
    Decision,
    application_passes,
    decide,
    display_score,
    format_score,
    sheet_percentage,
    side_passes,
    sides_for,
)
from appraisal.rules.discipline import (  # noqa: F401
    PenaltyFact,
    RulingFact,
    check_discipline,
)
from appraisal.rules.draw import (  # noqa: F401
    EXCLUSION_REASONS,
    METHOD,
    RECORD_COMMIT_REVEAL,
    RECORD_LEGACY,
    canonical_public_value,
    commitment_of,
    committed_values,
    draw_values,
    exclusion_reason,
    picks_from_values,
    trigger_words,
)
from appraisal.rules.evidence import (  # noqa: F401
    A4_MM,
    A4_TOLERANCE_MM,
    CHECK_FILE_MAX_BYTES,
    INSPIRATION_VIDEO_MAX_SECONDS,
    OUTCOME_MAX_FILES,
    OUTCOME_MAX_VIDEOS,
    OUTCOME_PDF_MAX_PAGES,
    OUTCOME_VIDEO_MAX_SECONDS,
    SLOT_MEDIA_KINDS,
    TEACHING_VIDEO_MAX_SECONDS,
    EvidenceFact,
    check_evidence,
    evidence_file_problem,
    format_duration,
    missing_or_invalid_slots,
    outcome_composition_problems,
)
from appraisal.rules.licence import (  # noqa: F401
    LicenceFact,
    check_licence,
)
from appraisal.rules.pa import (  # noqa: F401
    WORKLOAD_MINIMUMS,
    PAFact,
    check_pa,
    pa_passed,
    required_pa_years,
    workload_meets,
)
from appraisal.rules.tenure import (  # noqa: F401
    CEFR_ABOVE,
    CEFR_ABOVE_FOREIGN_LANGUAGE_TEACHER,
    SHORTENING_DEGREE_LEVELS,
    DegreeFact,
    HardshipFact,
    LanguageFact,
    PerformanceFact,
    PQFFact,
    TenureFacts,
    check_tenure,
    outstanding_rounds_verdict,
    required_salary_rounds,
    salary_round_effective_on,
    shorten_ground_verdict,
)
