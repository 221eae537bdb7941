from django.urls import path

from . import (
    certification_views,
    document_views,
    edit_views,
    io_views,
    roster_views,
    views,
)

urlpatterns = [
    path("", views.roster, name="roster"),
    path("export.xlsx", io_views.roster_export, name="roster_export"),
    path("import/", io_views.import_people, name="person_import"),
    path("import/history/", io_views.import_history, name="history_import"),
    path("import/template.xlsx", io_views.import_template, name="person_import_template"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("new/", edit_views.person_create, name="person_create"),
    path("<int:pk>/edit/", edit_views.person_edit, name="person_edit"),
    path("<int:pk>/history/<slug:kind>/add/", edit_views.history_add, name="history_add"),
    path("<int:pk>/status/", edit_views.status_change, name="status_change"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download,
         name="document_download"),
    path("<int:pk>/photo/", views.person_photo, name="person_photo"),
    path("<int:pk>/kp7.pdf", document_views.person_kp7_pdf, name="person_kp7_pdf"),
    path("<int:pk>/salary-certificate.pdf", document_views.person_salary_certificate_pdf,
         name="person_salary_certificate_pdf"),
    path("<int:pk>/corrections/", views.correction_propose, name="correction_propose"),
    path("corrections/", views.corrections, name="corrections"),
    path("registrations/", roster_views.staff_registrations, name="staff_registrations"),
    path("moves/", roster_views.moves, name="moves"),
    path("certification/", certification_views.certification_index, name="certification_index"),
    path("certification/<int:pk>/", certification_views.certification_round,
         name="certification_round"),
    path("certification/<int:pk>/lao/<int:lao_pk>/", certification_views.certification_lao,
         name="certification_lao"),
]
