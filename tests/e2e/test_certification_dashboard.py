import io
import re

import pytest
from django.core.management import call_command

from devdata.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAINTED = """(id) => {
  const c = document.getElementById(id);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
  return n;
}"""


def test_province_admin_sees_the_charts_and_reminds_late_laos(page, artifact):
    call_command("seed_demo", stdout=io.StringIO())
    page.goto("/login/")
    page.get_by_label("ชื่อผู้ใช้").fill("province_admin")
    page.get_by_label("รหัสผ่าน").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/personnel/certification/")
    page.get_by_test_id("round-row").first.get_by_role("link").click()
    assert page.get_by_test_id("certified-share").inner_text() == "25%"
    # Both charts really draw (Chart.js from static/, no CDN): painted pixels on the canvas.
    page.wait_for_function("window.Chart && Chart.getChart('completeChart')")
    page.wait_for_timeout(1200)  # the charts animate in
    assert page.evaluate(PAINTED, "shareChart") > 1000
    assert page.evaluate(PAINTED, "completeChart") > 1000
    page.screenshot(path=artifact("province-certification.png"), full_page=True)
    page.get_by_test_id("remind").click()
    assert "3 แห่ง" in page.get_by_role("alert").first.inner_text()
