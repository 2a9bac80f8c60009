import pytest
from hypothesis import given
from hypothesis import strategies as st

from collector.constants import MAX_STROKE_POINTS
from collector.errors import InvalidLabel, InvalidStrokes, StrokesTooLarge
from collector.validation import parse_label, parse_strokes
from ml.constants import NOT_A_DIGIT
from tests.collector.builders import strokes


@pytest.mark.parametrize("label", [0, 7, 9])
def test_digits_are_labels(label):
    assert parse_label(label) == label


@pytest.mark.parametrize("label", [10, "not-a-digit"])
def test_ten_and_its_name_label_a_drawing_that_is_not_a_digit(label):
    assert parse_label(label) == NOT_A_DIGIT == 10


@pytest.mark.parametrize(
    "label", [-1, 11, "7", "10", "ten", "Not-A-Digit", "not a digit", 7.5, 7.0, 3.0, 10.0, None, True, False, [7], {"digit": 7}, 10**100]
)
def test_anything_but_an_int_label_or_not_a_digit_is_refused(label):
    with pytest.raises(InvalidLabel) as error:
        parse_label(label)
    assert error.value.code == "invalid_label" and error.value.status == 400
    assert "0 to 9" in str(error.value) and '10 or "not-a-digit"' in str(error.value)


def test_absent_strokes_are_none():
    assert parse_strokes(None) is None


def test_well_formed_strokes_are_kept():
    value = strokes(count=2, points=4)
    assert parse_strokes(value) is value


def test_an_empty_stroke_list_is_accepted():
    assert parse_strokes([]) == []


@pytest.mark.parametrize(
    "value",
    [
        "strokes",
        {"x": [1]},
        [[[1, 2], [1, 2]]],
        [[[1, 2], [1, 2], [0, 1], [0, 1]]],
        [[[1, 2], [1], [0, 1]]],
        [[[], [], []]],
        [[[1, "2"], [1, 2], [0, 1]]],
        [[[1, True], [1, 2], [0, 1]]],
        [[[1, None], [1, 2], [0, 1]]],
        [[[1, float("nan")], [1, 2], [0, 1]]],
        [[[1, float("inf")], [1, 2], [0, 1]]],
        [[[1, 10**400], [1, 2], [0, 1]]],
        [[1, [1], [0]]],
        [[[1], {"y": 1}, [0]]],
        [7],
    ],
)
def test_malformed_strokes_are_refused(value):
    with pytest.raises(InvalidStrokes) as error:
        parse_strokes(value)
    assert error.value.code == "invalid_strokes" and error.value.status == 400


def test_too_many_points_are_refused_before_values_are_read():
    value = strokes(count=1, points=MAX_STROKE_POINTS + 1)
    value[0][0][0] = "not even a number"
    with pytest.raises(StrokesTooLarge) as error:
        parse_strokes(value)
    assert error.value.code == "strokes_too_large" and error.value.status == 413


def test_the_point_limit_counts_all_strokes():
    assert parse_strokes(strokes(count=4, points=MAX_STROKE_POINTS // 4))
    with pytest.raises(StrokesTooLarge):
        parse_strokes(strokes(count=5, points=MAX_STROKE_POINTS // 4))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=40,
)


@given(JSON_VALUES)
def test_any_json_value_is_either_valid_strokes_or_an_input_error(value):
    try:
        parse_strokes(value)
    except (InvalidStrokes, StrokesTooLarge):
        pass


@given(JSON_VALUES)
def test_any_json_value_is_either_a_digit_or_an_input_error(value):
    try:
        assert parse_label(value) in range(10)
    except InvalidLabel:
        pass
