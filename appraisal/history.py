"""The history of an application as its reader may see it (the page's timeline and the API's
``/history/``).

The applicant never learns who assesses her, nor who declined (ว9/2564: the assessors'
independence; issue 17 item 6): for whoever does not run the assessment at the application's
office, the assessors' replies read as a count ("ผู้ทรงคุณวุฒิตอบรับแล้ว 2 จาก 3 ท่าน"), with
no name, no account and no expert or invitation id; the draw's details (picks, pool) are left
out. The office (those who work on the application's office: its officers, group heads,
director, and the province above) sees every line as recorded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts import scoping
from appraisal.choices import ApplicationAction, InvitationState
from appraisal.models import Application

SEATS = 3  # ว9/2564: three assessors (appraisal.services.draw.SEATS)

# The lines of the assessment whose details name or identify the assessors.
ASSESSMENT_ACTIONS = frozenset({
    ApplicationAction.PANEL_APPROVED, ApplicationAction.ASSESSORS_DRAWN,
    ApplicationAction.COMMITMENT_PUBLISHED, ApplicationAction.INVITATION_REPLY,
    ApplicationAction.ASSESSORS_COMPLETE, ApplicationAction.ASSESSED,
})
FREED = frozenset({InvitationState.DECLINED, InvitationState.TIMED_OUT,
                   InvitationState.CANCELLED})


@dataclass
class HistoryLine:
    id: int
    round_no: int
    action: str
    action_display: str
    from_state: str
    to_state: str
    actor_name: str
    reason: str
    at: datetime.datetime
    data: dict = field(default_factory=dict)
    anonymous: bool = False  # who acted is not said (an assessor's reply, the draw)


def may_see_assessors(user, application: Application) -> bool:
    """Who may read the assessors' names in the history: the office that runs the assessment,
    never the applicant (even one who also holds an office role)."""
    if application.person.user_id == getattr(user, "pk", None):
        return False
    return scoping.can_work_on(user, application.office)


def history_for(user, application: Application) -> list[HistoryLine]:
    """Every line of the application's history, phrased for ``user`` (one query)."""
    events = application.events.select_related("actor").order_by("at", "id")
    if may_see_assessors(user, application):
        return [_line(e, e.get_action_display(), _name(e.actor), e.reason, e.data)
                for e in events]
    lines, accepted = [], set()
    for e in events:
        if e.action not in ASSESSMENT_ACTIONS:
            lines.append(_line(e, e.get_action_display(), _name(e.actor), e.reason, e.data))
            continue
        if e.action != ApplicationAction.INVITATION_REPLY:
            # the office's own steps keep their label; the draw's record stays with the office
            drawn = e.action == ApplicationAction.ASSESSORS_DRAWN
            lines.append(_line(e, e.get_action_display(), "" if drawn else _name(e.actor), "",
                               {}, anonymous=drawn))
            continue
        state = e.data.get("invitation_state")
        if state is None:  # the seat-freed line that goes with a cancellation: one line is enough
            continue
        if state == InvitationState.ACCEPTED:
            accepted.add(e.data.get("invitation"))
            label = _("ผู้ทรงคุณวุฒิตอบรับแล้ว %(n)d จาก %(of)d ท่าน")
        else:
            accepted.discard(e.data.get("invitation"))
            label = _("เปลี่ยนกรรมการประเมิน 1 ท่าน ระบบสุ่มกรรมการแทน "
                      "(ผู้ทรงคุณวุฒิตอบรับแล้ว %(n)d จาก %(of)d ท่าน)")
        lines.append(_line(e, label % {"n": len(accepted), "of": SEATS}, "", "", {},
                           anonymous=True))
    return lines


def _line(event, label: str, who: str, reason: str, data: dict, *,
          anonymous: bool = False) -> HistoryLine:
    return HistoryLine(id=event.pk, round_no=event.round_no, action=event.action,
                       action_display=str(label), from_state=event.from_state,
                       to_state=event.to_state, actor_name=who, reason=reason, at=event.at,
                       data=data, anonymous=anonymous)


def _name(user) -> str:
    return user.full_name_th if user is not None else ""
