"""A test-only urlconf: the real one plus two deliberately unscoped views. The walker must
report both (tests/test_permission_walker.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from accounts.models import Organization
from dlep.urls import urlpatterns as real_patterns


@login_required
def leaky_org_detail(request, pk):
    org = get_object_or_404(Organization, pk=pk)  # no scoping: the bug the walker must catch
    return HttpResponse(f"<h1>{org.name}</h1>")


@login_required
def leaky_org_list(request):
    names = ", ".join(Organization.objects.values_list("name", flat=True))  # no scoping
    return HttpResponse(names)


urlpatterns = [
    *real_patterns,
    path("leaky/orgs/<int:pk>/", leaky_org_detail, name="leaky_org_detail"),
    path("leaky/orgs/", leaky_org_list, name="leaky_org_list"),
]
