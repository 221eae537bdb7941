"""The API of PA results (PA3): the school enters and changes them; teachers and offices read
them within their reach."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from appraisal import selectors
from appraisal.models import (
    PAResult,
)
from appraisal.services import pa as pa_services
from personnel import selectors as personnel_selectors
from personnel.choices import EducationLevel

NOT_FOUND_PA = _("ไม่พบผลการประเมิน PA นี้ หรือคุณไม่มีสิทธิ์เข้าถึง")


class PAResultSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.full_name_th", read_only=True)
    national_id = serializers.CharField(source="person.masked_national_id", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    totals = serializers.SerializerMethodField()
    passed = serializers.BooleanField(read_only=True)
    pa3_url = serializers.SerializerMethodField()

    class Meta:
        model = PAResult
        fields = ["id", "person", "person_name", "national_id", "organization",
                  "organization_name", "fiscal_year_be", *pa_services.PA_SCORE_FIELDS, "totals",
                  "passed", "education_level", "teaching_hours", "total_hours", "workload_met",
                  "pa3_url", "entered_at", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.DecimalField(
        max_digits=5, decimal_places=2)))
    def get_totals(self, result):
        return [f"{t:.2f}" for t in result.totals]

    def get_pa3_url(self, result) -> str:
        if not result.pa3_file:
            return ""
        return reverse("api:pa-result-pa3", args=[result.pk],
                       request=self.context.get("request"))


def _score(maximum: int):
    return serializers.DecimalField(max_digits=4, decimal_places=2, min_value=0,
                                    max_value=maximum)


class PAResultWriteSerializer(serializers.Serializer):
    person = serializers.IntegerField(label=_("ผู้รับการประเมิน (id)"))
    fiscal_year_be = serializers.IntegerField(label=_("ปีงบประมาณ (พ.ศ.)"), min_value=2560,
                                              max_value=2700)
    part1_1 = _score(60)
    part1_2 = _score(60)
    part1_3 = _score(60)
    part2_1 = _score(40)
    part2_2 = _score(40)
    part2_3 = _score(40)
    education_level = serializers.ChoiceField(choices=EducationLevel.choices)
    teaching_hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0)
    total_hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0)
    pa3_file = serializers.FileField(
        required=False, help_text=_("แบบ PA3 (PDF ไม่เกิน 10 MB); ต้องแนบเมื่อบันทึกครั้งแรก"))


class PAResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    """PA results (PA3, RULES §4.3) of the units the caller works on, and the caller's own.
    ``POST`` (multipart, with ``pa3_file``) enters or corrects one teacher's result of one
    fiscal year; whether the workload met the standard is computed from the hours."""

    serializer_class = PAResultSerializer
    lookup_value_converter = "int"
    filterset_fields = ["fiscal_year_be", "person", "organization"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return selectors.pa_results_for(self.request.user).select_related(
            "person", "organization").order_by("-fiscal_year_be", "person_id", "pk")

    def get_object(self):
        result = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if result is None:
            raise NotFound(NOT_FOUND_PA)
        return result

    @extend_schema(request={"multipart/form-data": PAResultWriteSerializer},
                   responses={201: PAResultSerializer})
    def create(self, request, *args, **kwargs):
        data = PAResultWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        person = personnel_selectors.people_for(request.user).filter(
            pk=fields.pop("person")).first()
        if person is None:
            raise NotFound(_("ไม่พบข้อมูลบุคลากรนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        result = pa_services.record_pa_result(actor=request.user, person=person,
                       fiscal_year_be=fields["fiscal_year_be"],
                       scores={f: fields[f] for f in pa_services.PA_SCORE_FIELDS},
                       education_level=fields["education_level"],
                       teaching_hours=fields["teaching_hours"],
                       total_hours=fields["total_hours"], pa3_file=fields.get("pa3_file"))
        result = self.get_queryset().get(pk=result.pk)
        return Response(PAResultSerializer(result, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pa3(self, request, pk=None):
        """The PA3 PDF."""
        result = self.get_object()
        if not result.pa3_file:
            raise NotFound(_("ยังไม่มีไฟล์ PA3"))
        return FileResponse(result.pa3_file.open("rb"), content_type="application/pdf",
                            as_attachment=True,
                            filename=f"PA3-{result.fiscal_year_be}-{result.person_id}.pdf")
