"""Every page of appraisal, under /appraisal/: applications and the office's queue, evidence
files, PA results, the expert registry, and the assessment (the office's approval and draw, the
assessor's work)."""

from django.urls import path

from appraisal.views import applications, assessment, direct_uploads, experts, pa, uploads

urlpatterns = [
    # applications and the office's queue
    path("", applications.appraisal_home, name="appraisal_home"),
    path("applications/new/", applications.application_new, name="application_new"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/<slug:action>/", applications.application_action,
         name="application_action"),
    path("applications/<int:pk>/checks/<slug:level>/", applications.checks_record,
         name="checks_record"),
    path("applications/<int:pk>/checks/<int:check_pk>/<slug:level>/", applications.check_record,
         name="check_record"),
    path("applications/<int:pk>/checks/<int:check_pk>/<slug:level>/file.pdf",
         applications.check_file, name="check_file"),
    path("queue/", applications.office_queue, name="office_queue"),
    path("queue/export.xlsx", applications.office_queue_xlsx, name="office_queue_xlsx"),
    # evidence files: resumable uploads (tus), states, downloads, removal
    path("uploads/", uploads.tus_collection, name="evidence_uploads"),
    path("uploads/<uuid:pk>", uploads.tus_upload, name="evidence_upload"),
    # ... or straight to the object store (S3 multipart on signed links)
    path("direct-uploads/", direct_uploads.create, name="evidence_direct_uploads"),
    path("direct-uploads/<uuid:pk>", direct_uploads.upload_detail, name="evidence_direct_upload"),
    path("direct-uploads/<uuid:pk>/sign", direct_uploads.sign, name="evidence_direct_sign"),
    path("direct-uploads/<uuid:pk>/complete", direct_uploads.complete,
         name="evidence_direct_complete"),
    path("applications/<int:pk>/files/state.json", uploads.evidence_state,
         name="evidence_state"),
    path("files/<int:pk>/download", uploads.evidence_download, name="evidence_download"),
    path("files/<int:pk>/remove", uploads.evidence_remove, name="evidence_remove"),
    # PA results (PA3)
    path("pa/", pa.pa_list, name="pa_list"),
    path("pa/new/", pa.pa_create, name="pa_create"),
    path("pa/<int:pk>/edit/", pa.pa_edit, name="pa_edit"),
    path("pa/<int:pk>/pa3.pdf", pa.pa_pa3, name="pa_pa3"),
    # the expert registry
    path("experts/", experts.expert_list, name="expert_list"),
    path("experts/new/", experts.expert_new, name="expert_new"),
    path("experts/import/", experts.expert_import, name="expert_import"),
    path("experts/import/template.xlsx", experts.expert_import_template,
         name="expert_import_template"),
    path("experts/<int:pk>/", experts.expert_edit, name="expert_edit"),
    path("experts/<int:pk>/account/", experts.expert_account, name="expert_account"),
    path("experts/<int:pk>/conflicts/", experts.conflict_add, name="conflict_add"),
    path("conflicts/<int:pk>/withdraw/", experts.conflict_withdraw, name="conflict_withdraw"),
    # the assessment: the office
    path("assessment/applications/<int:pk>/approve/", assessment.assessment_approve,
         name="assessment_approve"),
    path("assessment/applications/<int:pk>/commitment/", assessment.assessment_commit,
         name="assessment_commit"),
    path("assessment/applications/<int:pk>/draw/", assessment.assessment_draw,
         name="assessment_draw"),
    path("assessment/applications/<int:pk>/summary.pdf", assessment.assessment_summary_pdf,
         name="assessment_summary_pdf"),
    path("assessment/draws/<int:pk>/", assessment.draw_detail, name="draw_detail"),
    path("assessment/verify_draw.py", assessment.draw_verifier, name="draw_verifier"),
    path("assessment/invitations/<int:pk>/cancel/", assessment.invitation_cancel,
         name="invitation_cancel"),
    # the assessment: the assessor
    path("assessment/mine/", assessment.assessor_queue, name="assessor_queue"),
    path("assessment/mine/relations/", experts.my_conflicts, name="my_conflicts"),
    path("assessment/invitations/<int:pk>/", assessment.invitation_detail,
         name="invitation_detail"),
    path("assessment/invitations/<int:pk>/reply/<slug:answer>/", assessment.invitation_reply,
         name="invitation_reply"),
    path("assessment/invitations/<int:pk>/application/", assessment.assessor_application,
         name="assessor_application"),
    path("assessment/invitations/<int:pk>/score/", assessment.score_sheet, name="score_sheet"),
    path("assessment/invitations/<int:pk>/score/draft/", assessment.score_sheet_draft,
         name="score_sheet_draft"),
    path("assessment/invitations/<int:pk>/score/submit/", assessment.score_sheet_submit,
         name="score_sheet_submit"),
]
