import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import scoping
from accounts import selectors as org_selectors
from accounts.exceptions import NotAllowed
from accounts.models import Organization
from core import kept
from core.html import table_rows
from core.paging import CountedPaginator
from core.search import private_search, search_params

from . import imports, presenters, sections, selectors, services
from .choices import AcademicStanding, PersonStatus, PositionType
from .forms import CorrectionForm, DecisionForm, DocumentForm, RosterFilterForm
from .models import Person

PAGE_SIZE = 100
# What a roster row shows (roster_rows): the page reads only these columns.
# The units' names come in a query of their own (``roster_rows``): joined here, the database
# would look up the unit of every person in reach (a whole province for its officers) before
# sorting.
ROSTER_FIELDS = ("pk", "title_th", "first_name", "last_name", "national_id", "position_type",
                 "standing", "status", "organization_id")


def filtered_roster(request):
    """The roster's filters from the query string (the page and its Excel export share them;
    the search words come from their token, core/search.py): the form, the unit (404 outside
    the user's reach) and the people."""
    form = RosterFilterForm(search_params(request) or None)
    filters = form.cleaned_data if form.is_valid() else {}
    org = None
    if filters.get("organization"):
        try:
            org = org_selectors.organization_for(request.user, filters["organization"])
        except Organization.DoesNotExist:
            raise Http404(_("ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None
    people = selectors.roster(request.user, organization=org, status=filters.get("status"),
                              q=filters.get("q", ""))
    return form, org, people


@login_required
@private_search
def roster(request):
    form, org, people = filtered_roster(request)
    # The rows are kept between visits until a person or a unit of the province changes
    # (core/kept.py); the user is in the key as their own record is on their roster.
    reach = scoping.reach(request.user, scoping.Access.WORK)
    page, rows = kept.kept_page(
        kept.PEOPLE, kept.list_key(request, request.user.pk, str(request.user.date_joined),
                                   reach.everything, reach.subtree_paths),
        reach.subtree_paths, people.values_list(*ROSTER_FIELDS, named=True), PAGE_SIZE,
        request.GET.get("page"), roster_rows, paginator_class=CountedPaginator)
    return render(request, "personnel/roster.html", {
        "form": form, "page": page, "rows": rows, "org": org,
        "rows_html": table_rows(ROSTER_ROW, rows),
        "can_import": imports.may_import(request.user),
    })


# A row of the roster, as markup: a hundred rows of seven values a page, put together by
# core.html.table_rows rather than the template engine (why: there).
ROSTER_ROW = ('<tr data-testid="person-row"><td><a href="{url}">{name}</a></td>'
              '<td class="font-monospace">{national_id}</td><td>{position}</td>'
              '<td>{standing}</td><td>{unit}</td><td>{status}</td></tr>')


def roster_rows(page) -> list[dict]:
    """The cells of the page's rows, ready to print: only ``ROSTER_FIELDS`` read (the page's
    rows are values of them, not models), the choices' labels translated once per page
    (``get_FOO_display`` hashes every lazy label of its field on every call), the units' names
    from one query; each link from ``reverse`` (never by cutting a URL's string)."""
    positions, standings, statuses = (choice_labels(c) for c in (PositionType, AcademicStanding,
                                                                  PersonStatus))
    full_name, masked = Person.full_name_th.fget, Person.masked_national_id.fget
    people = page.object_list  # rows of ROSTER_FIELDS
    units = dict(Organization.objects.filter(
        pk__in={p.organization_id for p in people}).values_list("pk", "name"))
    return [{
        "url": reverse("person_detail", args=[p.pk]), "name": full_name(p),
        "national_id": masked(p),
        "position": positions.get(p.position_type, p.position_type),
        "standing": standings.get(p.standing, p.standing),
        "unit": units.get(p.organization_id, ""), "status": statuses.get(p.status, p.status),
    } for p in people]


def choice_labels(choices) -> dict[str, str]:
    """{value: label} of a choices enum in the request's language."""
    return {value: str(label) for value, label in choices.choices}


@login_required
def person_detail(request, pk):
    person = _person_or_404(request.user, pk)
    is_self = person.user_id == request.user.pk
    return render(request, "personnel/person_detail.html", {
        "person": person,
        "documents": person.documents.all(),
        "completeness": selectors.completeness_of(person, timezone.localdate()),
        "document_form": DocumentForm(),
        "correction_form": CorrectionForm(instance=person) if is_self else None,
        "pending_correction": person.corrections.filter(status="pending").first(),
        "derived": selectors.derived_values(person, timezone.localdate()),
        "sections": presenters.history_sections(person),
        "can_edit": selectors.can_edit(request.user, person),
        # sections of higher apps (PA results …), registered in their AppConfig.ready()
        "extra_sections": sections.sections_for(request, person),
    })


def _person_or_404(user, pk) -> Person:
    try:
        return selectors.person_for(user, pk)
    except Person.DoesNotExist:
        raise Http404(_("ไม่พบข้อมูลบุคลากรนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_POST
def document_upload(request, pk):
    person = _person_or_404(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("person_detail", person.pk)
    try:
        services.attach_document(actor=request.user, person=person, **form.cleaned_data)
    except NotAllowed:
        raise Http404(_("ไม่พบข้อมูลบุคลากรนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("แนบเอกสารแล้ว"))
    return redirect("person_detail", person.pk)


@login_required
def document_download(request, pk, document_pk):
    person = _person_or_404(request.user, pk)
    document = person.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404(_("ไม่พบเอกสารนี้"))
    extension = document.file.name.rsplit(".", 1)[-1]
    return FileResponse(document.file.open("rb"), content_type=document.content_type,
                        as_attachment=document.content_type == "application/pdf",
                        filename=f"document-{document.pk}.{extension}")


@login_required
def person_photo(request, pk):
    person = _person_or_404(request.user, pk)
    document = person.documents.filter(file=person.photo).first() if person.photo else None
    if document is None:
        raise Http404(_("ยังไม่มีรูปถ่าย"))
    return FileResponse(document.file.open("rb"), content_type=document.content_type)


@login_required
@require_POST
def correction_propose(request, pk):
    person = _person_or_404(request.user, pk)
    form = CorrectionForm(request.POST, instance=copy.copy(person))  # the form writes on it
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("person_detail", person.pk)
    data = form.cleaned_data
    changes = {f: data[f] for f in services.CORRECTABLE_FIELDS if data[f] != getattr(person, f)}
    try:
        services.propose_correction(actor=request.user, person=person, changes={
            k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in changes.items()
        }, reason=data["reason"])
    except NotAllowed:
        raise Http404(_("ไม่พบข้อมูลบุคลากรนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("ส่งคำขอแก้ไขข้อมูลแล้ว รอผู้ดูแลสถานศึกษาพิจารณา"))
    return redirect("person_detail", person.pk)


@login_required
def corrections(request):
    pending = selectors.pending_corrections_for(request.user)
    if request.method == "POST":
        form = DecisionForm(request.POST)
        correction = (pending.filter(pk=form.data.get("correction")).first()
                      if form.is_valid() else None)
        if correction is None:
            raise Http404(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        try:
            services.decide_correction(actor=request.user, correction=correction,
                                       approve=form.cleaned_data["approve"],
                                       reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("บันทึกผลการพิจารณาแล้ว"))
        return redirect("corrections")
    labels = {f: Person._meta.get_field(f).verbose_name for f in services.CORRECTABLE_FIELDS}
    rows = [(c, [(labels.get(k, k), v) for k, v in c.changes.items()]) for c in pending]
    return render(request, "personnel/corrections.html", {"rows": rows})
