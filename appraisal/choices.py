"""The appraisal vocabularies, in the words of the regulations (RULES.md §4, seed 004)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClassroomType(models.TextChoices):
    """ประเภทห้องเรียนที่จัดการเรียนรู้ (ว31/2565)."""

    PRIMARY = "primary", _("ห้องเรียนวิชาสามัญ (ประถมศึกษา)")
    SECONDARY = "secondary", _("ห้องเรียนวิชาสามัญ (มัธยมศึกษา)")
    EARLY_CHILDHOOD = "early_childhood", _("ห้องเรียนปฐมวัย")
    SPECIAL = "special", _("ห้องเรียนการศึกษาพิเศษ")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("ฉบับร่าง")
    SUBMITTED = "submitted", _("ยื่นต่อสถานศึกษาแล้ว")
    AT_OFFICE = "at_office", _("อยู่ระหว่างตรวจสอบคุณสมบัติ")
    RETURNED = "returned", _("ส่งคืนแก้ไข")
    QUALIFIED = "qualified", _("รับรองคุณสมบัติแล้ว")
    # seed 004 steps 3–5 (appraisal part 2: appraisal/draw.py, invitations.py, scoring.py)
    PANEL_APPROVED = "panel_approved", _("อนุมัติแต่งตั้งคณะกรรมการประเมินแล้ว")
    ASSESSORS_COMPLETE = "assessors_complete", _("ได้กรรมการครบ 3 คน")
    ASSESSED = "assessed", _("ประเมินครบแล้ว")
    # seed 004 steps 5–7 (appraisal/outcome.py, called by the committees app)
    RESULT_APPROVED = "result_approved", _("อนุมัติผลการประเมินแล้ว")
    RESULT_NOT_APPROVED = "result_not_approved", _("ไม่อนุมัติผลการประเมิน")
    NOTIFIED = "notified", _("แจ้งผลแล้ว")
    APPOINTED = "appointed", _("แต่งตั้งแล้ว")


# The states in which the applicant may change the request and its files.
EDITABLE_STATES = frozenset({ApplicationState.DRAFT, ApplicationState.RETURNED})


class ShortenGround(models.TextChoices):
    """Grounds for reducing the 4-year tenure to 3 (ว4/2564, ว27/2564)."""

    NONE = "", _("ไม่ขอลดระยะเวลา")
    CEFR = "cefr", _("ความสามารถทางภาษาต่างประเทศ (CEFR)")
    HARDSHIP = "hardship", _("ปฏิบัติงานในพื้นที่พิเศษ")
    DEGREE = "degree", _("คุณวุฒิที่สูงขึ้นเกี่ยวกับการจัดการเรียนรู้")
    PQF8 = "pqf8", _("ผ่านกรอบคุณวุฒิวิชาชีพชั้น 8")


class CheckKind(models.TextChoices):
    """The qualification checks (RULES §4.1, seed 004 step 2), in the order of the grid."""

    TENURE = "tenure", _("ระยะเวลาการดำรงตำแหน่ง")
    PA = "pa", _("ข้อตกลงในการพัฒนางาน (PA)")
    DISCIPLINE = "discipline", _("วินัย คุณธรรม จริยธรรม และจรรยาบรรณวิชาชีพ")
    LICENCE = "licence", _("ใบอนุญาตประกอบวิชาชีพครู")
    EVIDENCE = "evidence", _("เอกสารหลักฐานครบถ้วน")


class EvidenceSlot(models.TextChoices):
    """The evidence files of an application (RULES §4.4)."""

    LESSON_PLAN = "lesson_plan", _("แผนการจัดการเรียนรู้ (PDF)")
    INSPIRATION_VIDEO = "inspiration_video", _("วีดิทัศน์สภาพปัญหา ที่มา หรือแรงบันดาลใจ")
    TEACHING_VIDEO = "teaching_video", _("วีดิทัศน์บันทึกการสอน")
    OUTCOME = "outcome", _("ผลลัพธ์การเรียนรู้ของผู้เรียน")
    SHORTEN_EVIDENCE = "shorten_evidence", _("หลักฐานประกอบการขอลดระยะเวลา")


REQUIRED_SLOTS = (EvidenceSlot.LESSON_PLAN, EvidenceSlot.INSPIRATION_VIDEO,
                  EvidenceSlot.TEACHING_VIDEO, EvidenceSlot.OUTCOME)
MAX_OUTCOME_FILES = 3


class FileState(models.TextChoices):
    WAITING = "waiting", _("รอตรวจสอบ")
    CHECKING = "checking", _("กำลังตรวจสอบ")
    VALID = "valid", _("ผ่านการตรวจสอบ")
    REJECTED = "rejected", _("ไม่ผ่านการตรวจสอบ")


class MediaKind(models.TextChoices):
    """What a file really is, read from its content."""

    UNKNOWN = "", _("ยังไม่ทราบ")
    PDF = "pdf", _("เอกสาร PDF")
    VIDEO = "video", _("วีดิทัศน์")
    IMAGE = "image", _("รูปภาพ")


class ApplicationAction(models.TextChoices):
    """What happened to an application, for its history."""

    CREATED = "created", _("สร้างคำขอ")
    SUBMITTED = "submitted", _("ยื่นคำขอ")
    SCHOOL_CERTIFIED = "school_certified", _("สถานศึกษารับรองและส่งต่อ")
    SCHOOL_RETURNED = "school_returned", _("สถานศึกษาส่งคืน")
    CHECKED = "checked", _("บันทึกผลการตรวจสอบคุณสมบัติ")
    OFFICE_CERTIFIED = "office_certified", _("ผู้อำนวยการรับรองคุณสมบัติ")
    OFFICE_RETURNED = "office_returned", _("หน่วยงานต้นสังกัดส่งคืน")
    TRANSFER_RETURNED = "transfer_returned", _("ส่งคืนเนื่องจากย้ายหน่วยงาน")
    # appraisal part 2
    PANEL_APPROVED = "panel_approved", _("อนุมัติแต่งตั้งคณะกรรมการประเมิน")
    ASSESSORS_DRAWN = "assessors_drawn", _("สุ่มคัดเลือกกรรมการประเมิน")
    COMMITMENT_PUBLISHED = "commitment_published", _("เผยแพร่ค่าผูกมัดการสุ่มครั้งถัดไป")
    INVITATION_REPLY = "invitation_reply", _("กรรมการตอบรับ/ปฏิเสธ/หมดเวลา/ถูกยกเลิก")
    ASSESSORS_COMPLETE = "assessors_complete", _("ได้กรรมการครบ 3 คน")
    ASSESSED = "assessed", _("กรรมการประเมินครบและสรุปผลแล้ว")
    # seed 004 steps 5–7
    RESULT_APPROVED = "result_approved", _("คณะกรรมการอนุมัติผลการประเมิน")
    RESULT_NOT_APPROVED = "result_not_approved", _("คณะกรรมการไม่อนุมัติผลการประเมิน")
    NOTIFIED = "notified", _("แจ้งผลการประเมิน")
    APPOINTED = "appointed", _("แต่งตั้งให้มีวิทยฐานะ")


# --- appraisal part 2: assessors and score sheets (seed 004 steps 4–5) ------------------------


class InvitationState(models.TextChoices):
    """The states of one invitation to assess (seed 004 step 4: 📧 รอตอบรับ ✅ ตอบรับแล้ว
    ❌ ปฏิเสธ ⏸️ หมดเวลาตอบรับ 🗑️ ถูกยกเลิก)."""

    AWAITING = "awaiting", _("รอตอบรับ")
    ACCEPTED = "accepted", _("ตอบรับแล้ว")
    DECLINED = "declined", _("ปฏิเสธ")
    TIMED_OUT = "timed_out", _("หมดเวลาตอบรับ")
    CANCELLED = "cancelled", _("ถูกยกเลิก")


# A seat is held while its invitation is awaiting a reply or accepted; the others free it.
SEAT_HOLDING_STATES = frozenset({InvitationState.AWAITING, InvitationState.ACCEPTED})
# An expert who declined, timed out or was cancelled on an application is never drawn for it again.
SPENT_STATES = frozenset({InvitationState.DECLINED, InvitationState.TIMED_OUT,
                          InvitationState.CANCELLED})


class Side(models.IntegerChoices):
    """The sides of the assessment (ว9/2564; seed 004 step 5)."""

    SKILLS = 1, _("ด้านที่ ๑ ด้านทักษะการจัดการเรียนรู้และการจัดการชั้นเรียน")
    OUTCOMES = 2, _("ด้านที่ ๒ ด้านผลลัพธ์การเรียนรู้ของผู้เรียน")
    ACADEMIC_WORK = 3, _("ด้านที่ ๓ ด้านผลงานวิชาการ")


class DrawOutcome(models.TextChoices):
    DRAWN = "drawn", _("สุ่มได้ครบตามจำนวนที่นั่งที่ว่าง")
    POOL_TOO_SMALL = "pool_too_small", _("ผู้มีสิทธิ์ไม่พอ ไม่ได้สุ่ม")


# --- conflicts of interest (issue 19; appraisal/rules/conflicts.py) ----------------------------


class ConflictKind(models.TextChoices):
    """A declared relation between an expert and another person that keeps the expert from
    assessing that person (พ.ร.บ.วิธีปฏิบัติราชการทางปกครอง พ.ศ. ๒๕๓๙ มาตรา ๑๓, ๑๖)."""

    SPOUSE = "spouse", _("คู่สมรสหรือคู่หมั้น")
    KIN = "kin", _("ญาติ (บุพการี ผู้สืบสันดาน พี่น้อง ลูกพี่ลูกน้อง หรือญาติทางการสมรส)")
    FORMER_SUPERVISOR = "former_supervisor", _("เคยเป็นผู้บังคับบัญชาของบุคคลนี้")
    FORMER_SUBORDINATE = "former_subordinate", _("เคยเป็นผู้ใต้บังคับบัญชาของบุคคลนี้")
    SAME_SCHOOL = "same_school", _("ปฏิบัติงานในสถานศึกษาเดียวกัน")


class DeclarationSource(models.TextChoices):
    REGISTRY = "registry", _("ผู้ดูแลบัญชีรายชื่อบันทึก")
    SELF = "self", _("ผู้ทรงคุณวุฒิแจ้งเอง")
    DECLINE = "decline", _("แจ้งเมื่อปฏิเสธคำเชิญ")


class DeclineKind(models.TextChoices):
    """Why an invited expert declines: a conflict of interest is its own reason (it records the
    relation, tells the office and refills the seat)."""

    OTHER = "other", _("ติดภารกิจหรือเหตุอื่น")
    CONFLICT = "conflict", _("มีส่วนได้เสียกับผู้ขอ")
