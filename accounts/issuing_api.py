"""API of credential issuing: start a job, follow its progress, download its files.

The same service and the same answers as the pages (``accounts/issuing_views.py``): an
organisation the caller cannot see is a 404, one it sees but may not issue for a 403, bad
input a 400 with a Thai message; a job is visible to its requester only (others: 404).
"""

import json

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from core.tabular import XLSX_CONTENT_TYPE

from . import issuing, scoping
from .api import OrganizationRefSerializer
from .models import IssuingJob, JobStatus


class IssuingJobSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    reissue_username = serializers.CharField(source="reissue_user.username", read_only=True,
                                             allow_null=True, default=None)
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = IssuingJob
        fields = ["id", "organization", "reissue_username", "status", "status_display", "total",
                  "done", "percent", "error", "created_at", "finished_at", "pdf_url", "xlsx_url"]

    def _url(self, job, name, file) -> str | None:
        if job.status != JobStatus.DONE or not file:
            return None
        return self.context["request"].build_absolute_uri(reverse(name, args=[job.pk]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_url(self, job) -> str | None:
        """The slips (PDF), when the job is done."""
        return self._url(job, "api:issuing-job-pdf", job.pdf)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_xlsx_url(self, job) -> str | None:
        """The list (Excel), when the job is done."""
        return self._url(job, "api:issuing-job-xlsx", job.xlsx)


class IssuingStartSerializer(serializers.Serializer):
    organization = serializers.IntegerField(
        label=_("หน่วยงาน (id)"),
        help_text=_("ออกบัญชีผู้ดูแลที่ยังขาดของหน่วยงานนี้และหน่วยงานในสังกัด"),
    )
    reissue_username = serializers.CharField(
        label=_("ออกรหัสผ่านใหม่ให้บัญชี (ชื่อผู้ใช้)"), required=False, allow_blank=True,
        max_length=150,
        help_text=_("เว้นว่างไว้เพื่อสร้างบัญชีที่ยังขาด หรือชื่อผู้ใช้ของผู้ดูแลในหน่วยงานนั้น"),
    )


class _FileRenderer(BaseRenderer):
    """Lets a client ask for the file's own type; an error still comes back as JSON."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


class PDFRenderer(_FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XLSXRenderer(_FileRenderer):
    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"



class IssuingJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Issuing jobs the caller started (credential issuing, RULES.md §1)."""

    serializer_class = IssuingJobSerializer

    def get_queryset(self):
        return issuing.jobs_for(self.request.user).select_related("reissue_user")

    def get_object(self):
        job = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if job is None:
            raise NotFound(_("ไม่พบงานออกบัญชีนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        return job

    @extend_schema(request=IssuingStartSerializer, responses={201: IssuingJobSerializer})
    def create(self, request):
        """Start issuing: the missing admin accounts of an organisation's subtree, or a new
        one-time password for one admin account (``reissue_username``). The work runs in the
        background; follow it with GET on the job."""
        data = IssuingStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org = scoping.organizations(request.user).filter(
            pk=data.validated_data["organization"]).first()
        if org is None:
            raise NotFound(_("ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        username = data.validated_data.get("reissue_username", "").strip()
        reissue_user = issuing.find_reissue_user(username) if username else None
        job = issuing.start_issuing(actor=request.user, organization=org,
                                    reissue_user=reissue_user)
        job = self.get_queryset().get(pk=job.pk)
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)

    def _file(self, field, content_type, suffix):
        job = self.get_object()
        file = getattr(job, field)
        if job.status != JobStatus.DONE or not file:
            raise NotFound(_("ยังไม่มีไฟล์ของงานนี้"))
        response = FileResponse(file.open("rb"), content_type=content_type, as_attachment=True,
                                filename=f"dlep-{suffix}-{job.organization.code}-{job.pk}.{field}")
        response["Cache-Control"] = "no-store"  # one-time passwords: no copies in any cache
        return response

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], url_path="slips.pdf",
            renderer_classes=[JSONRenderer, PDFRenderer])
    def pdf(self, request, pk=None):
        """The cut-out slips (PDF) of a finished job; requester only."""
        return self._file("pdf", "application/pdf", "slips")

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE):
                              OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], url_path="list.xlsx",
            renderer_classes=[JSONRenderer, XLSXRenderer])
    def xlsx(self, request, pk=None):
        """The list of the issued accounts (Excel) of a finished job; requester only."""
        return self._file("xlsx", XLSX_CONTENT_TYPE, "accounts")
