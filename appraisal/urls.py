from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.appraisal_home, name="appraisal_home"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/<slug:action>/", views.application_action,
         name="application_action"),
    path("applications/<int:pk>/checks/<int:check_pk>/<slug:level>/", views.check_record,
         name="check_record"),
    path("applications/<int:pk>/checks/<int:check_pk>/<slug:level>/file.pdf", views.check_file,
         name="check_file"),
    path("queue/", views.office_queue, name="office_queue"),
    path("queue/export.xlsx", views.office_queue_xlsx, name="office_queue_xlsx"),
]

# evidence uploads (tus), file states and downloads; PA results
urlpatterns += [
    path("", include("appraisal.upload_urls")),
    path("", include("appraisal.pa_urls")),
    path("", include("appraisal.assessor_urls")),  # part 2: experts, draw, assessors
]
