"""The tables of appraisal, one topic a module; every model is importable from here as before
(``appraisal.models.Application``), and the upload paths that migrations name stay here too."""

from appraisal.models.applications import (
    Application,
    ApplicationEvent,
    EvidenceFile,
    QualificationCheck,
    SubjectArea,
    Upload,
    check_file_path,
    evidence_path,
)
from appraisal.models.assessment import (
    AssessmentDecision,
    AssessorDraw,
    ConflictDeclaration,
    DrawCommitment,
    Expert,
    Indicator,
    Invitation,
    Rubric,
    ScoreSheet,
)
from appraisal.models.pa import PAResult, pa3_path

__all__ = [
    "Application", "ApplicationEvent", "AssessmentDecision", "AssessorDraw", "ConflictDeclaration",
    "DrawCommitment", "EvidenceFile",
    "Expert", "Indicator", "Invitation", "PAResult", "QualificationCheck", "Rubric",
    "ScoreSheet", "SubjectArea", "Upload", "check_file_path", "evidence_path", "pa3_path",
]
