"""URLs of appraisal part 2 (included by appraisal/urls.py under /appraisal/)."""

from django.urls import path

from . import assessor_views as views

urlpatterns = [
    # the expert registry
    path("experts/", views.expert_list, name="expert_list"),
    path("experts/new/", views.expert_new, name="expert_new"),
    path("experts/import/", views.expert_import, name="expert_import"),
    path("experts/import/template.xlsx", views.expert_import_template,
         name="expert_import_template"),
    path("experts/<int:pk>/", views.expert_edit, name="expert_edit"),
    path("experts/<int:pk>/account/", views.expert_account, name="expert_account"),
    # the office
    path("assessment/applications/<int:pk>/approve/", views.assessment_approve,
         name="assessment_approve"),
    path("assessment/applications/<int:pk>/draw/", views.assessment_draw,
         name="assessment_draw"),
    path("assessment/applications/<int:pk>/summary.pdf", views.assessment_summary_pdf,
         name="assessment_summary_pdf"),
    path("assessment/draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("assessment/invitations/<int:pk>/cancel/", views.invitation_cancel,
         name="invitation_cancel"),
    # the assessor
    path("assessment/mine/", views.assessor_queue, name="assessor_queue"),
    path("assessment/invitations/<int:pk>/", views.invitation_detail, name="invitation_detail"),
    path("assessment/invitations/<int:pk>/reply/<slug:answer>/", views.invitation_reply,
         name="invitation_reply"),
    path("assessment/invitations/<int:pk>/application/", views.assessor_application,
         name="assessor_application"),
    path("assessment/invitations/<int:pk>/score/", views.score_sheet, name="score_sheet"),
    path("assessment/invitations/<int:pk>/score/draft/", views.score_sheet_draft,
         name="score_sheet_draft"),
    path("assessment/invitations/<int:pk>/score/submit/", views.score_sheet_submit,
         name="score_sheet_submit"),
]
