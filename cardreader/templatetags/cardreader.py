"""``{% card_reader_widget %}``: the "read the ID card" button, the photo and the help texts for
a form that ``static/js/cardreader.js`` fills from the local agent (cardreader/agent.py)."""

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from cardreader import errors

register = template.Library()

ERRORS = (errors.CardReaderError, errors.ReaderServiceError, errors.NoReaderError,
          errors.NoCardError, errors.CardRemovedError, errors.NotThaiIdCardError,
          errors.CardDataError, errors.CardExpiredError, errors.ReaderBusyError)


def messages() -> dict:
    """Everything the script says, translated here (the script holds no text of its own)."""
    return {
        "reading": _("กำลังอ่านบัตร… กรุณาอย่าดึงบัตรออกจนกว่าจะอ่านเสร็จ"),
        "filled": _("อ่านบัตรแล้ว และกรอกข้อมูลจากบัตรให้แล้ว กรุณาตรวจสอบ แล้วกรอกตำแหน่ง "
                    "รหัสสถานศึกษา อีเมล และรหัสผ่านให้ครบ"),
        "birth_date_partial": _("บัตรไม่ระบุวันหรือเดือนเกิด ระบบใช้วันที่ 1 (ป.พ.พ. มาตรา 16) "
                                "กรุณาตรวจสอบวันเกิด"),
        "agent_missing": _("ไม่พบโปรแกรมอ่านบัตรบนเครื่องนี้"),
        "agent_refused": _("โปรแกรมอ่านบัตรทำงานอยู่ แต่ไม่ได้ตั้งค่าให้ใช้กับเว็บไซต์นี้"),
        "errors": {cls.code: _(cls.message) for cls in ERRORS},
    }


@register.inclusion_tag("cardreader/widget.html")
def card_reader_widget():
    return {
        "agent_url": settings.CARDREADER_AGENT_URL,
        "messages": messages(),
    }
