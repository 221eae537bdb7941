"""What can go wrong between the reader and the card, as typed errors with a Thai message.

The reader and the local agent run on the user's own computer, which need not have Django: the
messages are plain Thai strings marked with ``gettext_noop`` (so ``makemessages`` still finds
them); Django code shows them through ``gettext(error.message)``. Every error has a stable
``code`` that the browser and the agent's JSON use.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Marks a string for the catalogue without needing Django (same name as Django's)."""
    return message


class CardReaderError(Exception):
    """Base of every error of the card reader. ``str(error)`` is the Thai message."""

    code = "card_reader_error"
    message = gettext_noop("อ่านบัตรประชาชนไม่สำเร็จ กรุณาลองใหม่อีกครั้ง")
    http_status = 500

    def __init__(self, message: str | None = None, *, detail: str = ""):
        # ``detail`` is technical (a PC/SC code, the status word) for logs; never card data.
        self.message = message or self.message
        self.detail = detail
        super().__init__(self.message)

    def as_json(self) -> dict:
        return {"error": self.code, "message": self.message}


class ReaderServiceError(CardReaderError):
    """pcscd (Linux) or the Windows smart card service is not running, or pyscard is missing."""

    code = "reader_service"
    message = gettext_noop(
        "บริการสมาร์ทการ์ดของเครื่องไม่ทำงาน (Linux: pcscd, Windows: Smart Card) "
        "กรุณาเปิดบริการแล้วลองใหม่"
    )
    http_status = 503


class NoReaderError(CardReaderError):
    code = "no_reader"
    message = gettext_noop("ไม่พบเครื่องอ่านบัตร กรุณาเสียบเครื่องอ่านบัตรเข้ากับเครื่องคอมพิวเตอร์")
    http_status = 503


class NoCardError(CardReaderError):
    code = "no_card"
    message = gettext_noop("ไม่พบบัตรในเครื่องอ่าน กรุณาเสียบบัตรประชาชนให้สุด แล้วลองใหม่")
    http_status = 409


class CardRemovedError(CardReaderError):
    code = "card_removed"
    message = gettext_noop(
        "บัตรถูกดึงออกระหว่างการอ่าน กรุณาเสียบบัตรค้างไว้จนอ่านเสร็จ แล้วลองใหม่"
    )
    http_status = 409


class NotThaiIdCardError(CardReaderError):
    code = "not_thai_id"
    message = gettext_noop("บัตรในเครื่องอ่านไม่ใช่บัตรประจำตัวประชาชนไทย")
    http_status = 422


class CardDataError(CardReaderError):
    """The applet answered, but what it holds does not read as a Thai ID card."""

    code = "card_data"
    message = gettext_noop("ข้อมูลในบัตรอ่านไม่ได้หรือไม่ถูกต้อง กรุณาลองใหม่หรือกรอกข้อมูลเอง")
    http_status = 422


class CardExpiredError(CardReaderError):
    code = "card_expired"
    message = gettext_noop("บัตรประจำตัวประชาชนหมดอายุแล้ว กรุณาใช้บัตรที่ยังไม่หมดอายุ")
    http_status = 422

    def __init__(self, message: str | None = None, *, detail: str = "", expiry=None):
        super().__init__(message, detail=detail)
        self.expiry = expiry

    def as_json(self) -> dict:
        data = super().as_json()
        if self.expiry is not None:
            data["expiry_date"] = self.expiry.isoformat()
        return data


class ReaderBusyError(CardReaderError):
    code = "busy"
    message = gettext_noop("เครื่องอ่านบัตรกำลังอ่านบัตรอยู่ กรุณารอสักครู่แล้วลองใหม่")
    http_status = 409
