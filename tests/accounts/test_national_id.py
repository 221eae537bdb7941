import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from hypothesis import given
from hypothesis import strategies as st

from accounts import national_id
from accounts.models import User
from tests.factories import UserFactory, valid_national_id

VALID = "1101700230708"


def test_a_known_valid_number_passes_and_one_digit_off_fails():
    national_id.validate_national_id(VALID)
    with pytest.raises(ValidationError) as e:
        national_id.validate_national_id("1101700230709")
    assert e.value.code == "national_id_checksum"
    assert "ตัวเลขตรวจสอบ" in e.value.messages[0]


@pytest.mark.parametrize("value", ["110170023070", "11017002307050", "11017OO230705", ""])
def test_wrong_length_or_letters_get_a_thai_message(value):
    with pytest.raises(ValidationError) as e:
        national_id.validate_national_id(value)
    assert e.value.code == "national_id_length"
    assert "13 หลัก" in e.value.messages[0]


def test_dashes_and_spaces_are_accepted_and_stripped():
    assert national_id.normalize("1-1017-00230-70-8") == VALID
    national_id.validate_national_id("1 1017 00230 70 8")


@given(
    st.sampled_from("12345678"), st.text(alphabet="0123456789", min_size=11, max_size=11)
)
def test_the_computed_check_digit_always_validates(first, rest):
    first_twelve = first + rest
    number = first_twelve + national_id.check_digit(first_twelve)
    assert national_id.is_valid(number)
    wrong = first_twelve + str((int(number[-1]) + 1) % 10)
    assert not national_id.is_valid(wrong)


@pytest.mark.parametrize("first", ["0", "9"])
def test_no_citizen_number_starts_with_0_or_9(first):
    twelve = first + "10170023070"
    with pytest.raises(ValidationError) as e:
        national_id.validate_national_id(twelve + national_id.check_digit(twelve))
    assert e.value.code == "national_id_invalid"


def test_mask_shows_only_the_first_five_and_last_digit():
    assert national_id.mask(VALID) == "1-1017-xxxxx-xx-8"
    assert national_id.mask(None) == ""
    assert "00230" not in national_id.mask(VALID)


@pytest.mark.django_db
def test_blank_national_ids_do_not_collide_but_equal_ones_do():
    UserFactory(national_id="")
    UserFactory(national_id=None)
    blank = User.objects.filter(national_id__isnull=True).exclude(username="AnonymousUser")
    assert blank.count() == 2
    number = valid_national_id()
    UserFactory(national_id=number)
    with pytest.raises(IntegrityError):
        UserFactory(national_id=number)


@pytest.mark.django_db
def test_the_database_refuses_a_number_that_is_not_13_digits():
    user = UserFactory()
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=user.pk).update(national_id="12345")


@pytest.mark.django_db
def test_full_clean_reports_a_bad_checksum_on_the_field():
    user = UserFactory.build(national_id="1101700230709")
    with pytest.raises(ValidationError) as e:
        user.full_clean()
    assert "national_id" in e.value.message_dict
