"""The registry's vocabularies, in the words of the regulations (RULES.md §3, §4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("ชาย")
    FEMALE = "female", _("หญิง")


class PositionType(models.TextChoices):
    TEACHER = "teacher", _("ครู")
    ASSISTANT_TEACHER = "assistant_teacher", _("ครูผู้ช่วย")
    DIRECTOR = "director", _("ผู้อำนวยการสถานศึกษา")
    DEPUTY_DIRECTOR = "deputy_director", _("รองผู้อำนวยการสถานศึกษา")
    CDC_DIRECTOR = "cdc_director", _("ผู้อำนวยการศูนย์พัฒนาเด็กเล็ก")
    SUPERVISOR = "supervisor", _("ศึกษานิเทศก์")
    EDUCATION_STAFF = "education_staff", _("บุคลากรทางการศึกษาอื่น")


class SalaryRank(models.TextChoices):
    """อันดับ คศ. of teachers and education staff."""

    KS_ASSISTANT = "ks_assistant", _("ครูผู้ช่วย")
    KS1 = "ks1", _("คศ.1")
    KS2 = "ks2", _("คศ.2")
    KS3 = "ks3", _("คศ.3")
    KS4 = "ks4", _("คศ.4")
    KS5 = "ks5", _("คศ.5")


class AcademicStanding(models.TextChoices):
    """Standings of the teacher position, in order (RULES.md §4)."""

    NONE = "none", _("ไม่มีวิทยฐานะ")
    PROFESSIONAL = "professional", _("ชำนาญการ")
    SENIOR_PROFESSIONAL = "senior_professional", _("ชำนาญการพิเศษ")
    EXPERT = "expert", _("เชี่ยวชาญ")
    SENIOR_EXPERT = "senior_expert", _("เชี่ยวชาญพิเศษ")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("ปฏิบัติงาน")
    RETIRED = "retired", _("เกษียณอายุ")
    RESIGNED = "resigned", _("ลาออก")
    DISCHARGED = "discharged", _("ปลดออก")
    DISMISSED = "dismissed", _("ไล่ออก")
    DIED = "died", _("ถึงแก่กรรม")
    TRANSFERRED_OUT = "transferred_out", _("โอนย้ายออก")


ENDED_STATUSES = frozenset(PersonStatus) - {PersonStatus.ACTIVE}


class DegreeLevel(models.TextChoices):
    DIPLOMA = "diploma", _("ต่ำกว่าปริญญาตรี")
    BACHELOR = "bachelor", _("ปริญญาตรี")
    GRADUATE_DIPLOMA = "graduate_diploma", _("ประกาศนียบัตรบัณฑิต")
    MASTER = "master", _("ปริญญาโท")
    DOCTORATE = "doctorate", _("ปริญญาเอก")


class DisciplinaryPenalty(models.TextChoices):
    """โทษทางวินัย, lightest first."""

    PROBATION = "probation", _("ภาคทัณฑ์")
    PAY_CUT = "pay_cut", _("ตัดเงินเดือน")
    STEP_REDUCTION = "step_reduction", _("ลดขั้นเงินเดือน")
    DISCHARGE = "discharge", _("ปลดออก")
    DISMISSAL = "dismissal", _("ไล่ออก")


class EthicsRuling(models.TextChoices):
    """คำวินิจฉัยจรรยาบรรณวิชาชีพ, lightest first."""

    WARNING = "warning", _("ตักเตือน")
    PROBATION = "probation", _("ภาคทัณฑ์")
    SUSPENSION = "suspension", _("พักใช้ใบอนุญาต")
    REVOCATION = "revocation", _("เพิกถอนใบอนุญาต")


class PerformanceLevel(models.TextChoices):
    OUTSTANDING = "outstanding", _("ดีเด่น")
    VERY_GOOD = "very_good", _("ดีมาก")
    GOOD = "good", _("ดี")
    FAIR = "fair", _("พอใช้")
    NEEDS_IMPROVEMENT = "needs_improvement", _("ต้องปรับปรุง")


class CEFRLevel(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class HardshipArea(models.TextChoices):
    ISLAND = "island", _("เกาะ")
    HIGH_MOUNTAIN = "mountain", _("พื้นที่สูง/ภูเขา")
    VALLEY = "valley", _("หุบเขา")
    SECURITY_RISK = "security", _("พื้นที่เสี่ยงภัย")
    OTHER = "other", _("อื่น ๆ ตามที่คณะกรรมการกำหนด")


class EducationLevel(models.TextChoices):
    """Levels of the minimum-workload table (ว21/2564, RULES.md §4.2)."""

    EARLY_CHILDHOOD = "early_childhood", _("ปฐมวัย")
    BASIC = "basic", _("ประถมศึกษา/มัธยมศึกษา")
    SPECIAL_DISABILITY = "special_disability", _(
        "การศึกษาพิเศษ (โรงเรียนเฉพาะความพิการ/ศูนย์การศึกษาพิเศษ)"
    )
    SPECIAL_WELFARE = "special_welfare", _("การศึกษาพิเศษ (ศึกษาสงเคราะห์/ราชประชานุเคราะห์)")


class SalaryRound(models.IntegerChoices):
    """Salary-promotion rounds of a fiscal year (เลื่อนเงินเดือน)."""

    FIRST = 1, _("ครั้งที่ 1 (1 เมษายน)")
    SECOND = 2, _("ครั้งที่ 2 (1 ตุลาคม)")
