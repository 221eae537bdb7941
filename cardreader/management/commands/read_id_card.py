"""``python manage.py read_id_card``: print what the Thai ID card in the reader holds, as JSON.

The person at the keyboard asked for their card's data, so the full national ID is printed
here (and only here); the photo only with ``--photo``. Nothing is logged or stored.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cardreader import reader
from cardreader.errors import CardReaderError


class Command(BaseCommand):
    help = "อ่านบัตรประชาชนในเครื่องอ่านแล้วแสดงข้อมูลเป็น JSON (Read the Thai ID card as JSON)"

    def add_arguments(self, parser):
        parser.add_argument("--photo", action="store_true",
                            help="รวมรูปถ่าย (JPEG, base64) ในผลลัพธ์")
        parser.add_argument("--reader", help="ชื่อเครื่องอ่าน (ค่าเริ่มต้น: เครื่องที่มีบัตรอยู่)")
        parser.add_argument("--allow-expired", action="store_true",
                            help="แสดงข้อมูลแม้บัตรหมดอายุแล้ว")
        parser.add_argument("--list-readers", action="store_true",
                            help="แสดงรายชื่อเครื่องอ่านและสถานะบัตรเท่านั้น")

    def handle(self, *args, **options):
        try:
            if options["list_readers"]:
                result = reader.status()
            else:
                card = reader.read_card(reader=options["reader"], photo=options["photo"],
                                        check_expiry=not options["allow_expired"])
                result = card.as_json(photo=options["photo"])
        except CardReaderError as exc:
            raise CommandError(f"{_(exc.message)} [{exc.code}]") from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
