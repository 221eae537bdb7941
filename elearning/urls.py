from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="elearning_home"),
    path("completions/new/", views.completion_create, name="completion_create"),
    path("completions/<int:pk>/", views.completion_detail, name="completion_detail"),
    path("completions/<int:pk>/certificate/", views.completion_certificate,
         name="completion_certificate"),
    path("review/", views.review, name="elearning_review"),
    path("dashboard/", views.dashboard, name="elearning_dashboard"),
    path("reports/<int:round_pk>/<int:org_pk>/report.xlsx", views.report_xlsx,
         name="elearning_report_xlsx"),
    path("reports/<int:round_pk>/<int:org_pk>/report.pdf", views.report_pdf,
         name="elearning_report_pdf"),
    path("import/", views.import_completions, name="completion_import"),
    path("import/template.xlsx", views.import_template, name="completion_import_template"),
    path("courses/", views.catalogue, name="elearning_catalogue"),
    path("rounds/", views.rounds, name="elearning_rounds"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="elearning_round_edit"),
    path("holidays/<int:pk>/delete/", views.holiday_delete, name="elearning_holiday_delete"),
    path("requirements/", views.requirements, name="elearning_requirements"),
    path("requirements/<int:pk>/edit/", views.requirement_edit,
         name="elearning_requirement_edit"),
]
