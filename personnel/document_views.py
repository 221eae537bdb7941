"""Downloads of a person's documents: the ก.พ.7 record and the salary certificate (PDF).

Who gets what: the ก.พ.7 goes to those who may work on the record and to the person themself;
the salary certificate only to those who may work on the record (their unit issues it).
Anyone else gets the same 404 as for a record that does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import selectors as org_selectors

from . import documents, selectors
from .models import Person

# The one page these views render themselves; kept here so the feature stays in one module.
ERROR_PAGE = """{% extends "base.html" %}{% load i18n %}
{% block title %}{{ title }}{% endblock %}
{% block content %}<div class="alert alert-warning" data-testid="document-error">
<h1 class="h4">{{ title }}</h1>
{% for error in errors %}<p>{{ error }}</p>{% endfor %}
<a href="{{ back }}">{% translate "กลับไปหน้าทะเบียนประวัติ" %}</a>
</div>{% endblock %}"""


def _readable_person(user, pk) -> Person:
    try:
        return selectors.person_for(user, pk)
    except Person.DoesNotExist:
        raise Http404(_("ไม่พบข้อมูลบุคลากรนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    # The record id only: a filename ends up in download folders, proxies and logs.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The ก.พ.7 carries the full national ID: no shared cache may keep a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_GET
def person_kp7_pdf(request, pk):
    person = _readable_person(request.user, pk)
    own = person.user_id is not None and person.user_id == request.user.pk
    if not (own or selectors.can_edit(request.user, person)):
        raise Http404(_("ไม่พบข้อมูลบุคลากรนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    data = documents.kp7_pdf(person, timezone.localdate())
    return _pdf_response(data, f"kp7-{person.pk}.pdf")


@login_required
@require_GET
def person_salary_certificate_pdf(request, pk):
    person = _readable_person(request.user, pk)
    if not selectors.can_edit(request.user, person):
        raise Http404(_("ไม่พบข้อมูลบุคลากรนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    # The LAO employs a school's teachers, so the certificate comes from it; a person placed
    # directly at an office above LAO level gets it from that office.
    issuer = org_selectors.lao_of(person.organization) or person.organization
    try:
        data = documents.salary_certificate_pdf(person, issuer, timezone.localdate())
    except ValidationError as exc:
        page = engines["django"].from_string(ERROR_PAGE)
        html = page.render({
            "title": _("ออกหนังสือรับรองเงินเดือนไม่ได้"),
            "errors": exc.messages,
            "back": reverse("person_detail", args=[person.pk]),
        }, request)
        return HttpResponse(html, status=400)
    return _pdf_response(data, f"salary-certificate-{person.pk}.pdf")
