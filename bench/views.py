"""The framework floor: what any authenticated page of the portal costs at least. Session and
user, the middleware chain, one indexed query (the user's own first role) and a small template
in the portal's layout (so the layout's own work, the bell's count, is part of the floor).

It shows nothing but the name of the user's own unit, so it leaks nothing; it is routed only by
bench.settings (tests/scale/test_floor.py walks it as an outsider)."""

from functools import cache

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines

from accounts.models import Membership

FLOOR_TEMPLATE = ('{% extends "base.html" %}{% block content %}'
                  '<p data-testid="floor">{{ unit|default:"" }}</p>{% endblock %}')


@cache
def _template():
    return engines["django"].from_string(FLOOR_TEMPLATE)


@login_required
def floor(request):
    unit = (Membership.objects.filter(user_id=request.user.pk, is_active=True)
            .order_by("pk").values_list("organization__name", flat=True).first())
    return HttpResponse(_template().render({"unit": unit}, request))
