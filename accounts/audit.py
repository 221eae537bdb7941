"""Audit records, written by services inside their transaction."""

from __future__ import annotations

from .models import AuditEvent, Organization


def record(action: str, *, actor, target=None, organization: Organization | None = None, **data):
    """Write one audit row. ``data`` must not carry national ID numbers or passwords."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        organization=organization,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
    )


# Thai names of the actions, for the audit page. An action without a name shows its code.
ACTION_LABELS = {
    "organization.create": "สร้างหน่วยงาน",
    "organization.grant_view": "ให้สิทธิ์ดูหน่วยงาน",
    "organization.revoke_view": "ถอนสิทธิ์ดูหน่วยงาน",
    "membership.add": "เพิ่มบทบาท",
    "user.change_password": "เปลี่ยนรหัสผ่าน",
    "staff_registration.create": "ลงทะเบียนบุคลากร",
    "staff_registration.verify_email": "ยืนยันอีเมล",
    "staff_registration.approve": "อนุมัติการลงทะเบียน",
    "staff_registration.reject": "ไม่อนุมัติการลงทะเบียน",
    "school_admin_registration.create": "ขอเป็นผู้ดูแลสถานศึกษา",
    "school_admin_registration.approve": "อนุมัติผู้ดูแลสถานศึกษา",
    "school_admin_registration.reject": "ไม่อนุมัติผู้ดูแลสถานศึกษา",
    "school_admin_registration.resend_link": "ส่งลิงก์ตั้งรหัสผ่านใหม่",
    "membership.revoke": "เพิกถอนบทบาท",
    "user.set_password_from_link": "ตั้งรหัสผ่านจากลิงก์ในอีเมล",
    "person.create": "เพิ่มบุคลากร",
    "person.update": "แก้ไขข้อมูลบุคลากร",
    "person.status": "เปลี่ยนสถานะบุคลากร",
    "person.document": "แนบเอกสาร",
    "person.link_account": "ผูกบัญชีผู้ใช้กับทะเบียน",
    "person.import": "นำเข้าข้อมูลบุคลากร",
    "person.move.request": "ขอย้ายข้อมูล",
    "person.move.decide": "พิจารณาคำขอย้ายข้อมูล",
    "person.correction.propose": "ขอแก้ไขข้อมูล",
    "person.correction.decide": "พิจารณาคำขอแก้ไขข้อมูล",
    "certification.open_round": "เปิดรอบการรับรองข้อมูล",
    "certification.certify": "รับรองข้อมูล",
    "certification.verify": "จังหวัดรับรองข้อมูล",
    "certification.remind": "ส่งอีเมลแจ้งเตือน",
    "issuing.start": "สั่งออกบัญชีผู้ใช้",
    "issuing.account_create": "สร้างบัญชีผู้ดูแลพร้อมรหัสผ่านครั้งแรก",
    "issuing.password_reissue": "ออกรหัสผ่านครั้งแรกใหม่",
    "issuing.done": "ออกบัญชีผู้ใช้เสร็จ",
    "appraisal.pa_result": "บันทึกผลการประเมิน PA",
    "appraisal.application.created": "สร้างคำขอมีวิทยฐานะ",
    "appraisal.application.update": "แก้ไขคำขอมีวิทยฐานะ",
    "appraisal.application.submitted": "ยื่นคำขอมีวิทยฐานะ",
    "appraisal.application.school_certified": "สถานศึกษารับรองและส่งคำขอ",
    "appraisal.application.school_returned": "สถานศึกษาส่งคืนคำขอ",
    "appraisal.application.checked": "บันทึกผลการตรวจสอบคุณสมบัติ",
    "appraisal.application.office_certified": "ผู้อำนวยการรับรองคุณสมบัติ",
    "appraisal.application.office_returned": "หน่วยงานต้นสังกัดส่งคืนคำขอ",
    "appraisal.application.transfer_returned": "ส่งคืนคำขอเนื่องจากย้ายหน่วยงาน",
    "appraisal.application.rerun_checks": "ตรวจสอบคุณสมบัติโดยระบบอีกครั้ง",
    "appraisal.evidence.upload_start": "เริ่มอัปโหลดไฟล์หลักฐาน",
    "appraisal.evidence.upload": "อัปโหลดไฟล์หลักฐาน",
    "appraisal.evidence.upload_cancel": "ยกเลิกการอัปโหลดไฟล์หลักฐาน",
    "appraisal.evidence.remove": "ลบไฟล์หลักฐาน",
    "appraisal.evidence.check": "ระบบตรวจสอบไฟล์หลักฐาน",
    "appraisal.application.panel_approved": "อนุมัติแต่งตั้งคณะกรรมการประเมิน",
    "appraisal.application.assessors_drawn": "สุ่มคัดเลือกกรรมการประเมิน",
    "appraisal.application.invitation_reply": "กรรมการตอบรับ/ปฏิเสธ/หมดเวลา/ถูกยกเลิก",
    "appraisal.application.assessors_complete": "ได้กรรมการประเมินครบ 3 คน",
    "appraisal.application.assessed": "สรุปผลการประเมินของคณะกรรมการ",
    "appraisal.application.result_approved": "คณะกรรมการอนุมัติผลการประเมิน",
    "appraisal.application.result_not_approved": "คณะกรรมการไม่อนุมัติผลการประเมิน",
    "appraisal.application.notified": "แจ้งผลการประเมิน",
    "appraisal.application.appointed": "แต่งตั้งให้มีวิทยฐานะ",
    "committees.member.add": "เพิ่มกรรมการ",
    "committees.member.remove": "ลบกรรมการ",
    "committees.meeting.create": "สร้างการประชุมคณะกรรมการ",
    "committees.item.create": "สร้างระเบียบวาระการประชุม",
    "committees.item.update": "แก้ไขระเบียบวาระการประชุม",
    "committees.resolution.record": "บันทึกมติที่ประชุม",
    "committees.results.notify": "แจ้งผลการประเมินตามมติ",
    "committees.order.create": "สร้างคำสั่งแต่งตั้ง",
    "committees.order.appoint": "บันทึกการแต่งตั้งตามคำสั่ง",
    "appraisal.expert.create": "เพิ่มผู้ทรงคุณวุฒิในบัญชีรายชื่อ",
    "appraisal.expert.update": "แก้ไขข้อมูลผู้ทรงคุณวุฒิ",
    "appraisal.expert.account": "เชิญผู้ทรงคุณวุฒิเข้าใช้ระบบ",
    "appraisal.expert.import": "นำเข้าบัญชีรายชื่อผู้ทรงคุณวุฒิ",
    "appraisal.invitation.expire": "คำเชิญกรรมการหมดเวลาตอบรับ",
    "appraisal.score_sheet.submit": "กรรมการส่งผลการประเมิน",
    "elearning.channel.add": "เพิ่มช่องทางการเรียนรู้ (e-Learning)",
    "elearning.course.add": "เพิ่มหลักสูตร (e-Learning)",
    "elearning.round.create": "เปิดรอบการประเมิน (e-Learning)",
    "elearning.round.update": "แก้ไขวันที่ของรอบ (e-Learning)",
    "elearning.holiday.add": "เพิ่มวันหยุด (e-Learning)",
    "elearning.holiday.remove": "ลบวันหยุด (e-Learning)",
    "elearning.requirement.save": "บันทึกเกณฑ์การเรียนรู้ (e-Learning)",
    "elearning.completion.record": "บันทึกผลการเรียน (e-Learning)",
    "elearning.completion.accept": "รับรองผลการเรียน (e-Learning)",
    "elearning.completion.reject": "ไม่รับรองผลการเรียน (e-Learning)",
    "elearning.completion.import": "นำเข้าผลการเรียน (e-Learning)",
    "elearning.remind": "ส่งอีเมลแจ้งเตือน (e-Learning)",
    "elearning.report.submit": "บันทึกการส่งรายงาน (e-Learning)",
}


def action_label(action: str) -> str:
    if action.startswith("person.history."):
        return "เพิ่มประวัติ (" + action.rsplit(".", 1)[-1] + ")"
    return ACTION_LABELS.get(action, action)
