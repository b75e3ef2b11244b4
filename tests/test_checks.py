"""course_utils.checks: one rule for whole numbers, SettingError for settings, SignalError for signals."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import checks
from course_utils.errors import SettingError, SignalError

WHOLE = [8, np.int64(8), 8.0, np.float32(8.0)]
NOT_WHOLE = [8.5, True, "8", None, float("nan"), float("inf"), [8]]


@pytest.mark.parametrize("value", WHOLE)
def test_every_setting_check_takes_the_same_whole_numbers(value):
    assert checks.is_whole_number(value)
    assert (
        checks.positive_int(value, "steps", "steps=600") == 8
        and type(checks.positive_int(value, "n", "n=1")) is int
    )
    assert checks.sample_rate(value * 1000) == 8000
    assert checks.frame_settings(value, value) == (8, 8)


@pytest.mark.parametrize("value", NOT_WHOLE)
def test_every_setting_check_refuses_the_same_values_with_a_setting_error(value):
    assert not checks.is_whole_number(value)
    with pytest.raises(SettingError, match="steps must be a positive whole number"):
        checks.positive_int(value, "steps", "steps=600")
    if value is not None:  # None means "the file's own rate" where allowed
        with pytest.raises(SettingError, match="sr must be a positive whole number"):
            checks.sample_rate(value, allow_none=True)
    with pytest.raises(SettingError, match="frame_length must be a positive whole number"):
        checks.frame_settings(value, 4)


def test_none_rate_only_where_allowed_and_hop_at_most_the_frame():
    assert checks.sample_rate(None, allow_none=True) is None
    with pytest.raises(SettingError):
        checks.sample_rate(None)
    with pytest.raises(SettingError, match="larger than frame_length"):
        checks.frame_settings(4, 8)
    with pytest.raises(SettingError):
        checks.positive_int(0, "batch_size", "batch_size=64")


def test_a_signal_gets_a_signal_error():
    with pytest.raises(SignalError, match="NaN"):
        checks.as_float_array([0.0, np.nan], "frames")
    assert not issubclass(SettingError, SignalError) and not issubclass(SignalError, SettingError)
