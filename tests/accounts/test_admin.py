import pytest

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def change_form_data(user, **overrides):
    data = {
        "username": user.username, "title_th": user.title_th, "first_name": user.first_name,
        "last_name": user.last_name, "title_en": "", "first_name_en": "", "last_name_en": "",
        "national_id": user.national_id, "email": user.email, "phone": "", "is_active": "on",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("bad", "message"),
    [("1101700230709", "ตัวเลขตรวจสอบ"), ("12345", "13 หลัก"), ("abcdefghijklm", "13 หลัก")],
)
def test_a_malformed_national_id_in_the_admin_gets_a_thai_message(superuser_client, bad, message):
    user = UserFactory()
    before = user.national_id
    url = f"/admin/accounts/user/{user.pk}/change/"
    r = superuser_client.post(url, change_form_data(user, national_id=bad))
    assert r.status_code == 200  # the form again, with the error; not a 500
    assert message in r.content.decode()
    user.refresh_from_db()
    assert user.national_id == before


def test_a_valid_national_id_with_dashes_is_saved_compact(superuser_client):
    user = UserFactory()
    url = f"/admin/accounts/user/{user.pk}/change/"
    r = superuser_client.post(url, change_form_data(user, national_id="1-1017-00230-70-8"))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert User.objects.get(pk=user.pk).national_id == "1101700230708"


def test_the_admin_user_list_masks_national_ids(superuser_client):
    user = UserFactory()
    html = superuser_client.get("/admin/accounts/user/").content.decode()
    assert user.masked_national_id in html
    assert user.national_id not in html
