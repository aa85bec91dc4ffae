"""Property tests of the query-parameter parsers: any input gives a value or a
ValueError (a 400), never another exception (a 500)."""

import base64
import datetime
import json

from hypothesis import example, given
from hypothesis import strategies as st

from statements.api.params import (
    MAX_QUERY_INT,
    decode_cursor,
    encode_cursor,
    utc_datetime,
    whole_number,
)

OFFSETS = st.timedeltas(
    min_value=-datetime.timedelta(hours=23, minutes=59),
    max_value=datetime.timedelta(hours=23, minutes=59),
).map(lambda delta: datetime.timezone(delta))


@given(st.text())
@example("²")
@example("٣")
@example("1_0")
@example(" 5")
@example("-1")
@example("9" * 5000)
def test_whole_number_is_ascii_digits_or_a_value_error(raw):
    try:
        value = whole_number(raw)
    except ValueError:
        digits = raw.isascii() and raw.isdigit()
        assert not digits or len(raw) > 16 or int(raw) > MAX_QUERY_INT
    else:
        assert raw.isascii()
        assert raw.isdigit()
        assert value == int(raw) <= MAX_QUERY_INT


@given(st.integers(min_value=0, max_value=MAX_QUERY_INT))
def test_whole_number_reads_every_number_it_allows(number):
    assert whole_number(str(number)) == number


@given(st.datetimes(timezones=st.none() | OFFSETS))
@example(
    datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
)
@example(
    datetime.datetime(
        9999,
        12,
        31,
        23,
        59,
        59,
        tzinfo=datetime.timezone(-datetime.timedelta(hours=14)),
    )
)
def test_utc_datetime_is_the_same_instant_in_utc_or_a_value_error(moment):
    try:
        parsed = utc_datetime(moment.isoformat())
    except ValueError:
        return
    assert parsed.utcoffset() == datetime.timedelta(0)
    expected = moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
    assert parsed == expected


@given(st.text(max_size=100))
def test_utc_datetime_of_any_text_is_a_value_or_a_value_error(raw):
    try:
        parsed = utc_datetime(raw)
    except ValueError:
        return
    assert parsed.utcoffset() == datetime.timedelta(0)


@given(st.text(max_size=300) | st.binary(max_size=200).map(base64.b64encode))
@example(base64.urlsafe_b64encode(b"[" * 3000).decode())
@example(base64.urlsafe_b64encode(b"[" * 100).decode())
@example("%00")
def test_decode_cursor_of_anything_is_a_list_or_a_value_error(raw):
    if isinstance(raw, bytes):
        raw = raw.decode()
    try:
        values = decode_cursor(raw)
    except ValueError:
        return
    assert isinstance(values, list)


@given(
    st.lists(
        st.integers(min_value=0, max_value=2**63 - 1)
        | st.datetimes(timezones=st.just(datetime.UTC)).map(str),
        max_size=3,
    )
)
def test_decode_cursor_reads_every_cursor_encode_cursor_makes(values):
    assert decode_cursor(encode_cursor(values)) == json.loads(json.dumps(values))
