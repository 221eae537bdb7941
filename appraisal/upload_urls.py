"""Evidence files: resumable uploads (tus), states, downloads, removal. Included by
appraisal/urls.py under ``appraisal/``."""

from django.urls import path

from . import uploads

urlpatterns = [
    path("uploads/", uploads.tus_collection, name="evidence_uploads"),
    path("uploads/<uuid:pk>", uploads.tus_upload, name="evidence_upload"),
    path("applications/<int:pk>/files/state.json", uploads.evidence_state,
         name="evidence_state"),
    path("files/<int:pk>/download", uploads.evidence_download, name="evidence_download"),
    path("files/<int:pk>/remove", uploads.evidence_remove, name="evidence_remove"),
]
