import datetime as dt

import pytest

from generator import schema as s


@pytest.mark.parametrize("value", ["../etc", "a/b", "A-b", "with space", "", ".hidden", None, 5])
def test_unsafe_slugs_are_refused(value):
    with pytest.raises(s.Invalid):
        s.slug(value)


def test_safe_slug_passes():
    assert s.slug("zdbc-2025-001") == "zdbc-2025-001"


@pytest.mark.parametrize("value", ["2024-13-01", "2024-02-30", "2024/01/01", "昨天", 20240101])
def test_bad_dates_are_refused(value):
    with pytest.raises(s.Invalid):
        s.date(value)


def test_good_date():
    assert s.date("2024-02-29") == dt.date(2024, 2, 29)


def test_enum_lists_its_choices():
    with pytest.raises(s.Invalid, match="主动 / 依申请"):
        s.one_of("主动", "依申请")("被动")


@pytest.mark.parametrize("value", ["../x.csv", "a/b.csv", "名单.csv", ".env"])
def test_attachment_file_names_must_be_plain(value):
    with pytest.raises(s.Invalid):
        s.file_name(value)


def test_list_of_accepts_single_value():
    assert s.list_of(s.text)("政府网站") == ("政府网站",)
