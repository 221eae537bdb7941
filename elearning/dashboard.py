"""The e-Learning panel on the portal's dashboard. It makes no query (the dashboard's budget is
per card): the round comes from the calendar, the links lead to the pages that count."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.dashboard import Panel, PanelItem
from accounts.rules import ADMIN_ROLES, OFFICE_ROLES

from . import rules


def elearning_panel(user, membership):
    fiscal_year_be, number = rules.round_of(timezone.localdate())
    items = [PanelItem(label=_("ผลการเรียนของฉัน"), url=reverse("elearning_home"))]
    if membership.role in ADMIN_ROLES or membership.role in OFFICE_ROLES:
        items.append(PanelItem(
            label=_("ร้อยละของบุคลากรที่ผ่านเกณฑ์ (แดชบอร์ด)"),
            url=reverse("elearning_dashboard") + "?" + urlencode(
                {"organization": membership.organization_id})))
        items.append(PanelItem(label=_("ผลการเรียนที่รอตรวจสอบ"),
                               url=reverse("elearning_review")))
    return Panel(title=_("e-Learning รอบที่ %(n)d/%(fy)d") % {"n": number, "fy": fiscal_year_be},
                 items=items)
