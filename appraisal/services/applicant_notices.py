"""The applicant hears of every step of her request, once a step (issue 17 item 5).

``tell_applicant`` is called by the two functions that write a line of the history
(``applications._event`` and ``draw.event``), inside the service's transaction. A step the
services already tell her of with its own words (a return with its reason, the office's
certification, the committee's decision, the appointment) is not in ``STEPS``. The words never
name an assessor (item 6): "assessors drawn" says that the draw took place, no more.

Once a step: a step that can recur inside one round (a seat drawn again after a refusal, the
panel complete again after a cancellation) is told the first time only; a new round (the
request filed again after a return) starts over.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.notify import notify
from appraisal.choices import ApplicationAction, DrawOutcome

# action → (subject, body); %(standing)s is the standing requested
STEPS = {
    ApplicationAction.SUBMITTED: (
        _("ยื่นคำขอมีวิทยฐานะ%(standing)sแล้ว"),
        _("คำขอของท่านอยู่ระหว่างสถานศึกษาตรวจสอบและรับรอง")),
    ApplicationAction.SCHOOL_CERTIFIED: (
        _("สถานศึกษารับรองคำขอมีวิทยฐานะ%(standing)sแล้ว"),
        _("สถานศึกษาส่งคำขอของท่านให้หน่วยงานต้นสังกัดตรวจสอบคุณสมบัติแล้ว")),
    ApplicationAction.CHECKED: (
        _("ตรวจสอบคุณสมบัติคำขอมีวิทยฐานะ%(standing)sครบแล้ว"),
        _("เจ้าหน้าที่และหัวหน้ากลุ่มตรวจสอบคุณสมบัติครบทุกรายการแล้ว "
          "รอผู้อำนวยการหน่วยงานต้นสังกัดพิจารณารับรอง")),
    ApplicationAction.PANEL_APPROVED: (
        _("คำขอมีวิทยฐานะ%(standing)s: อนุมัติแต่งตั้งคณะกรรมการประเมินแล้ว"),
        _("คณะกรรมการอนุมัติให้แต่งตั้งคณะกรรมการประเมิน ขั้นต่อไปคือการสุ่มคัดเลือกกรรมการ")),
    ApplicationAction.ASSESSORS_DRAWN: (
        _("คำขอมีวิทยฐานะ%(standing)s: สุ่มคัดเลือกกรรมการประเมินแล้ว"),
        _("ระบบสุ่มคัดเลือกผู้ทรงคุณวุฒิเป็นกรรมการประเมินแล้ว อยู่ระหว่างรอกรรมการตอบรับ")),
    ApplicationAction.ASSESSORS_COMPLETE: (
        _("คำขอมีวิทยฐานะ%(standing)s: ได้กรรมการประเมินครบ 3 ท่านแล้ว"),
        _("กรรมการประเมินตอบรับครบแล้ว อยู่ระหว่างการประเมินผลงาน")),
    ApplicationAction.ASSESSED: (
        _("คำขอมีวิทยฐานะ%(standing)s: กรรมการประเมินครบแล้ว"),
        _("กรรมการทั้ง 3 ท่านส่งผลการประเมินแล้ว ผลจะเสนอคณะกรรมการพิจารณาและแจ้งให้ทราบต่อไป")),
    ApplicationAction.RESULT_APPROVED: (
        _("คำขอมีวิทยฐานะ%(standing)s: คณะกรรมการพิจารณาผลแล้ว"),
        _("คณะกรรมการพิจารณาผลการประเมินแล้ว หน่วยงานจะแจ้งผลอย่างเป็นทางการต่อไป")),
    ApplicationAction.RESULT_NOT_APPROVED: (
        _("คำขอมีวิทยฐานะ%(standing)s: คณะกรรมการพิจารณาผลแล้ว"),
        _("คณะกรรมการพิจารณาผลการประเมินแล้ว หน่วยงานจะแจ้งผลอย่างเป็นทางการต่อไป")),
}


def tell_applicant(application, action: str, data: dict, *, once: bool = True) -> None:
    """After the history line of ``action`` was written: the applicant's notice of the step,
    unless she already had it in this round (``once=False``: the caller knows it is the first
    time, as for the checks, one history line each, told when the last one is recorded)."""
    if action not in STEPS or not application.person.user_id:
        return
    if once and action == ApplicationAction.CHECKED:
        return  # told by record_check when the last check of the round is recorded
    if action == ApplicationAction.ASSESSORS_DRAWN and data.get("outcome") != DrawOutcome.DRAWN:
        return  # a pool too small is the office's business; the applicant hears of the draw
    if once:
        earlier = application.events.filter(action=action, round_no=application.round_no)
        if action == ApplicationAction.ASSESSORS_DRAWN:
            earlier = earlier.filter(data__outcome=DrawOutcome.DRAWN)
        if earlier.count() > 1:  # the line just written is one
            return
    subject, body = STEPS[action]
    notify([application.person.user],
           subject % {"standing": application.get_requested_standing_display()}, body,
           reverse("application_detail", args=[application.pk]))
