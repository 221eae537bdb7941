"""The permission walker: every URL pattern and API route, requested as an anonymous user and as
users of an unrelated organisation, must answer with a login redirect, 401, 403, 404 or 405, or,
for a page without parameters (a list, a dashboard), with a page that shows nothing of the other
organisation.

How a route gets its parameters: ``SAMPLES`` maps the route's name to a function of the test
world that returns URL kwargs pointing at objects of side A. A route with parameters and no
sample is itself reported, so a new view cannot slip past the walker: add its sample here.

Every organisation of side A carries the marker ``MARKER-A`` in its name; the outsiders belong
to side B. A response to an outsider that contains the marker is a leak.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.elearning import helpers as elearning_samples
from tests.factories import (
    World,
    certification_round,
    document_of,
    issuing_job_of,
    pending_move,
    pending_registration,
    school_admin_request,
)

MARKER = "MARKER-A"

# Pages anyone may open without logging in.
PUBLIC = {
    "login",
    "healthz",
    "schema",
    "api_docs",
    "set_language",
    "api:token",
    "admin:login",
    "admin:logout",
    "admin:javascript-catalog",  # the admin's translation strings
    "logout",
    "api:staff-registration-list",  # POST is the public registration; GET is scoped
    "staff_register",
    "staff_register_done",
    "staff_verify_email",
    "api:school-admin-registration-list",  # POST is the public request; GET is scoped
    "school_admin_register",
    "school_admin_register_done",
    "school_search",  # the public directory of school names and codes only
    "school_admin_set_password",  # the link from the approval email
    "password_reset",  # forgot password: the same answer for any address
    "password_reset_done",
    "password_reset_confirm",  # the link from the reset email
    "password_reset_complete",
}


def _appraisal():
    from tests.appraisal import factories

    return factories


def _assessment():
    from tests.appraisal import assessment_factories

    return assessment_factories


def _evidence():
    from tests.appraisal import media_factory

    return media_factory


def _committees():
    from tests.committees import factories

    return factories


def a_notification(w):
    from accounts.models import Notification

    return Notification.objects.create(user=w.a.users["staff"], subject="MARKER-A แจ้งเตือน",
                                       url="/")


def an_api_token(w):
    from accounts import tokens

    return tokens.issue(user=w.a.users["staff"], second_factor=False)[0]


SAMPLES: dict[str, Callable[[World], dict]] = {
    # a side-A user's token: an outsider revoking it gets 404
    "api:my_token_revoke": lambda w: {"public_id": an_api_token(w).public_id},
    # a side-A user's id with a token that is not theirs: the "link does not work" page
    "password_reset_confirm": lambda w: {
        "uidb64": urlsafe_base64_encode(force_bytes(w.a.users["staff"].pk)), "token": "x-y"
    },
    "organization_detail": lambda w: {"pk": w.a.school.pk},
    "notification_open": lambda w: {"pk": a_notification(w).pk},
    "api:organization-detail": lambda w: {"pk": w.a.school.pk},
    "person_detail": lambda w: {"pk": w.a.person.pk},
    "staff_verify_email": lambda w: {"token": "not-a-token"},
    "api:staff-registration-approve": lambda w: {"pk": pending_registration(w.a).pk},
    "api:staff-registration-reject": lambda w: {"pk": pending_registration(w.a).pk},
    "api:move-accept": lambda w: {"pk": pending_move(w).pk},
    "api:move-decline": lambda w: {"pk": pending_move(w).pk},
    "school_admin_approve": lambda w: {"pk": school_admin_request(w.a).pk},
    "school_admin_reject": lambda w: {"pk": school_admin_request(w.a).pk},
    "school_admin_delegation": lambda w: {"pk": school_admin_request(w.a).pk},
    "school_admin_resend_link": lambda w: {"pk": school_admin_request(w.a).pk},
    "school_admin_set_password": lambda w: {"uidb64": "MQ", "token": "0-not-a-token"},
    "api:school-admin-registration-approve": lambda w: {"pk": school_admin_request(w.a).pk},
    "api:school-admin-registration-reject": lambda w: {"pk": school_admin_request(w.a).pk},
    "api:school-admin-registration-resend-link":
        lambda w: {"pk": school_admin_request(w.a).pk},
    "issuing_detail": lambda w: {"pk": issuing_job_of(w.a).pk},
    "issuing_progress": lambda w: {"pk": issuing_job_of(w.a).pk},
    "issuing_pdf": lambda w: {"pk": issuing_job_of(w.a).pk},
    "issuing_xlsx": lambda w: {"pk": issuing_job_of(w.a).pk},
    "api:issuing-job-detail": lambda w: {"pk": issuing_job_of(w.a).pk},
    "api:issuing-job-pdf": lambda w: {"pk": issuing_job_of(w.a).pk},
    "api:issuing-job-xlsx": lambda w: {"pk": issuing_job_of(w.a).pk},
    "person_edit": lambda w: {"pk": w.a.person.pk},
    "history_add": lambda w: {"pk": w.a.person.pk, "kind": "degree"},
    "status_change": lambda w: {"pk": w.a.person.pk},
    "person_kp7_pdf": lambda w: {"pk": w.a.person.pk},
    "person_salary_certificate_pdf": lambda w: {"pk": w.a.person.pk},
    "document_upload": lambda w: {"pk": w.a.person.pk},
    "document_download": lambda w: {"pk": w.a.person.pk, "document_pk": document_of(w.a).pk},
    "person_photo": lambda w: {"pk": w.a.person.pk},
    "correction_propose": lambda w: {"pk": w.a.person.pk},
    "api:person-detail": lambda w: {"pk": w.a.person.pk},
    "api:person-add-history": lambda w: {"pk": w.a.person.pk, "kind": "degree"},
    "api:person-change-status": lambda w: {"pk": w.a.person.pk},
    "certification_round": lambda w: {"pk": certification_round(w.a).pk},
    "certification_lao": lambda w: {"pk": certification_round(w.a).pk, "lao_pk": w.a.lao.pk},
    # the application's pages (appraisal/urls.py)
    "application_detail": lambda w: {"pk": _appraisal().application_of(w.a).pk},
    "application_action": lambda w: {"pk": _appraisal().application_of(w.a).pk,
                                     "action": "submit"},
    "check_record": lambda w: {"pk": _appraisal().check_of(w.a).application_id,
                               "check_pk": _appraisal().check_of(w.a).pk, "level": "officer"},
    "checks_record": lambda w: {"pk": _appraisal().check_of(w.a).application_id,
                                "level": "officer"},
    "check_file": lambda w: {"pk": _appraisal().check_of(w.a).application_id,
                             "check_pk": _appraisal().check_of(w.a).pk, "level": "officer"},
    # PA results and applications (appraisal/pa_urls.py, appraisal/api.py)
    "pa_edit": lambda w: {"pk": _appraisal().pa_result_of(w.a).pk},
    "pa_pa3": lambda w: {"pk": _appraisal().pa_result_of(w.a).pk},
    "api:pa-result-detail": lambda w: {"pk": _appraisal().pa_result_of(w.a).pk},
    "api:pa-result-pa3": lambda w: {"pk": _appraisal().pa_result_of(w.a).pk},
    **{f"api:application-{name}": (lambda w: {"pk": _appraisal().application_of(w.a).pk})
       for name in ("detail", "submit", "school-certify", "school-return", "office-certify",
                    "office-return", "rerun-checks", "checks", "preview-checks", "history",
                    "files")},
    "api:qualification-check-record": lambda w: {"pk": _appraisal().check_of(w.a).pk},
    # evidence files (appraisal/upload_urls.py): a tus upload, the states, a stored file
    "evidence_upload": lambda w: {"pk": _evidence().upload_of(w.a).pk},
    "evidence_direct_upload": lambda w: {"pk": _evidence().upload_of(w.a).pk},
    "evidence_direct_sign": lambda w: {"pk": _evidence().upload_of(w.a).pk},
    "evidence_direct_complete": lambda w: {"pk": _evidence().upload_of(w.a).pk},
    "evidence_state": lambda w: {"pk": _appraisal().application_of(w.a).pk},
    "evidence_download": lambda w: {"pk": _evidence().evidence_of(w.a).pk},
    "evidence_remove": lambda w: {"pk": _evidence().evidence_of(w.a).pk},
    # appraisal part 2 (appraisal/assessor_urls.py, appraisal/assessment_api.py): side A's
    # expert, an approved application with its draw, invitations and one accepted sheet
    **{name: (lambda w: {"pk": _assessment().expert_of(w.a).pk})
       for name in ("expert_edit", "expert_account", "api:expert-detail", "api:expert-account",
                    "conflict_add")},
    **{name: (lambda w: {"pk": _assessment().conflict_of(w.a).pk})
       for name in ("conflict_withdraw", "api:conflict-declaration-detail",
                    "api:conflict-declaration-withdraw")},
    **{name: (lambda w: {"pk": _assessment().assessment_of(w.a).pk})
       for name in ("assessment_approve", "assessment_draw", "assessment_summary_pdf",
                    "assessment_commit", "api:assessment-commitment",
                    "api:assessment-detail", "api:assessment-approve", "api:assessment-draw",
                    "api:assessment-summary-pdf")},
    **{name: (lambda w: {"pk": _assessment().draw_of(w.a).pk})
       for name in ("draw_detail", "api:assessor-draw-detail", "api:assessor-draw-verify",
                    "api:assessor-draw-record")},
    **{name: (lambda w: {"pk": _assessment().invitation_of(w.a).pk})
       for name in ("invitation_cancel", "invitation_detail", "assessor_application",
                    "score_sheet", "score_sheet_draft", "score_sheet_submit",
                    "api:invitation-detail", "api:invitation-accept", "api:invitation-decline",
                    "api:invitation-cancel")},
    "invitation_reply": lambda w: {"pk": _assessment().invitation_of(w.a).pk, "answer": "accept"},
    **{name: (lambda w: {"pk": _assessment().sheet_of(w.a).pk})
       for name in ("api:score-sheet-detail", "api:score-sheet-submit")},
    # e-Learning: a side-A completion; rounds, holidays and requirements are national data
    "completion_detail": lambda w: {"pk": elearning_samples.completion_of(w.a).pk},
    "completion_certificate": lambda w: {"pk": elearning_samples.completion_of(w.a).pk},
    "elearning_report_xlsx": lambda w: {"round_pk": elearning_samples.round_2569_1().pk,
                                        "org_pk": w.a.school.pk},
    "elearning_report_pdf": lambda w: {"round_pk": elearning_samples.round_2569_1().pk,
                                       "org_pk": w.a.school.pk},
    "elearning_round_edit": lambda w: {"pk": elearning_samples.round_2569_1().pk},
    "elearning_holiday_delete": lambda w: {"pk": elearning_samples.extra_holiday().pk},
    "elearning_requirement_edit": lambda w: {"pk": elearning_samples.requirement().pk},
    "api:elearning-completion-detail": lambda w: {"pk": elearning_samples.completion_of(w.a).pk},
    "api:elearning-completion-accept": lambda w: {"pk": elearning_samples.completion_of(w.a).pk},
    "api:elearning-completion-reject": lambda w: {"pk": elearning_samples.completion_of(w.a).pk},
    "api:elearning-completion-certificate":
        lambda w: {"pk": elearning_samples.completion_of(w.a).pk},
    # committees (committees/urls.py, committees/api.py): side A's committee, meeting, item, order
    **{name: (lambda w: {"pk": _committees().committee_of(w.a).pk})
       for name in ("committee_detail", "committee_member_add", "meeting_create", "order_create",
                    "committee_honoraria", "api:committee-detail")},
    "committee_member_remove": lambda w: {"pk": _committees().committee_of(w.a).pk,
                                          "member_pk": _committees().member_of(w.a).pk},
    **{name: (lambda w: {"pk": _committees().meeting_of(w.a).pk})
       for name in ("meeting_detail", "item_build", "meeting_agenda_docx",
                    "meeting_minutes_docx", "api:meeting-detail", "api:meeting-agenda-docx",
                    "api:meeting-minutes-docx")},
    **{name: (lambda w: {"pk": _committees().item_of(w.a).pk})
       for name in ("item_detail", "item_resolve", "item_notify", "item_docx", "item_xlsx",
                    "item_draw", "api:agenda-item-draw",
                    "api:agenda-item-detail", "api:agenda-item-resolve",
                    "api:agenda-item-notify", "api:agenda-item-agenda-docx",
                    "api:agenda-item-annex-xlsx")},
    **{name: (lambda w: {"pk": _committees().order_of(w.a).pk})
       for name in ("order_detail", "order_appoint", "order_pdf", "order_docx",
                    "api:appointment-order-detail", "api:appointment-order-appoint",
                    "api:appointment-order-pdf", "api:appointment-order-docx")},
    # test-only routes of tests/leaky_urls.py
    "leaky_org_detail": lambda w: {"pk": w.a.school.pk},
}

# Django's admin checks is_staff before anything else; any value reaches that check.
ADMIN_DEFAULTS = {
    "object_id": "1",
    "app_label": "accounts",
    "content_type_id": "1",
    "url": "x",
    "id": "1",
}

LOGIN_PATHS = ("/login/", "/admin/login/")


@dataclass(frozen=True)
class Route:
    name: str | None
    params: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Violation:
    route: str
    who: str
    method: str
    url: str
    status: int
    why: str

    def __str__(self):
        return f"{self.method} {self.url} [{self.route}] as {self.who}: {self.status} — {self.why}"


def _params(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return list(pattern.regex.groupindex)
    return []


def iter_routes(urlconf: str | None = None) -> Iterator[Route]:
    def walk(patterns, namespace, params, prefix):
        for p in patterns:
            here = params + _params(p.pattern)
            text = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                yield from walk(p.url_patterns, ns, here, text)
            elif isinstance(p, URLPattern):
                name = None
                if p.name:
                    name = f"{namespace}:{p.name}" if namespace else p.name
                yield Route(name, tuple(dict.fromkeys(here)), text)

    yield from walk(get_resolver(urlconf).url_patterns, "", [], "/")


def _is_login_redirect(response) -> bool:
    if response.status_code not in (301, 302):
        return False
    location = response.get("Location", "")
    return any(location.startswith(p) or f"//testserver{p}" in location for p in LOGIN_PATHS)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", "replace")


def walk(client_factory, world: World, outsiders: dict[str, object], urlconf=None):
    """Request every route; return the list of violations (empty when all is well).

    ``client_factory(user_or_None)`` returns a test client logged in as that user.
    """
    violations: list[Violation] = []
    routes = list(iter_routes(urlconf))
    for route in routes:
        if route.name is None:
            if route.description.startswith("/admin/"):
                # The admin's own unnamed redirects, treebeard's move/children views: all
                # behind admin_view's is_staff check.
                _walk_url(violations, client_factory, outsiders, route.description,
                          _fill_admin_path(route.description), route.params, public=False)
            else:
                violations.append(
                    Violation(route.description, "-", "-", route.description, 0,
                              "unnamed route: name it so that the walker can reverse it")
                )
            continue
        if route.params:
            if route.name in SAMPLES:
                kwargs = SAMPLES[route.name](world)
            elif route.name.startswith("admin:"):
                kwargs = {k: ADMIN_DEFAULTS.get(k, "1") for k in route.params}
            else:
                violations.append(
                    Violation(route.name, "-", "-", route.description, 0,
                              "route has parameters but no sample in tests/walker.py SAMPLES")
                )
                continue
        else:
            kwargs = {}
        url = reverse(route.name, kwargs=kwargs, urlconf=urlconf)
        _walk_url(violations, client_factory, outsiders, route.name, url, route.params,
                  public=route.name in PUBLIC)
    return violations


def _fill_admin_path(description: str) -> str:
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ADMIN_DEFAULTS.get(m.group(1), "1"), description)
    url = re.sub(r"\(\?P<\w+>[^)]*\)\$?", "x/", url)
    return url.replace("^", "").replace("$", "")


def _walk_url(violations, client_factory, outsiders, route_name, url, params, *, public):
    anon = client_factory(None)
    for method in ("get", "post"):
        r = getattr(anon, method)(url)
        if public:
            ok = r.status_code < 500
            why = "public page answered with a server error"
        else:
            ok = _is_login_redirect(r) or r.status_code in (401, 403, 404, 405)
            why = "anonymous user was not sent to the login page nor refused"
        if not ok:
            violations.append(
                Violation(route_name, "anonymous", method.upper(), url, r.status_code, why)
            )

    for who, user in outsiders.items():
        c = client_factory(user)
        for method in ("get", "post"):
            r = getattr(c, method)(url)
            status = r.status_code
            if status >= 500:
                violations.append(
                    Violation(route_name, who, method.upper(), url, status, "server error")
                )
                continue
            if MARKER in _body(r) or MARKER in r.get("Location", ""):
                violations.append(
                    Violation(route_name, who, method.upper(), url, status,
                              "response shows the other organisation's data")
                )
                continue
            refused = _is_login_redirect(r) or status in (401, 403, 404, 405)
            if params and not refused and not public:
                violations.append(
                    Violation(route_name, who, method.upper(), url, status,
                              "object of another organisation was served, not refused")
                )
