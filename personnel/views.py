from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import selectors as org_selectors
from accounts.models import Organization

from . import presenters, selectors
from .forms import RosterFilterForm
from .models import Person

PAGE_SIZE = 100


@login_required
def roster(request):
    form = RosterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    org = None
    if filters.get("organization"):
        try:
            org = org_selectors.organization_for(request.user, filters["organization"])
        except Organization.DoesNotExist:
            raise Http404(_("ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None
    people = selectors.roster(request.user, organization=org, status=filters.get("status"),
                              q=filters.get("q", ""))
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "personnel/roster.html", {"form": form, "page": page, "org": org})


@login_required
def person_detail(request, pk):
    try:
        person = selectors.person_for(request.user, pk)
    except Person.DoesNotExist:
        raise Http404(_("ไม่พบข้อมูลบุคลากรนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None
    return render(request, "personnel/person_detail.html", {
        "person": person,
        "derived": selectors.derived_values(person, timezone.localdate()),
        "sections": presenters.history_sections(person),
        "can_edit": selectors.can_edit(request.user, person),
    })
