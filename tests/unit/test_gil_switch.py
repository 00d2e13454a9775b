"""The short GIL switch interval of the start (app/gil_switch.py) is put back."""

from __future__ import annotations

import sys

from termnews.app import gil_switch


def test_fast_switching_until_restored_then_the_interval_before() -> None:
    before = sys.getswitchinterval()
    try:
        gil_switch.fast_switching()
        assert sys.getswitchinterval() == gil_switch.START_INTERVAL_S
        gil_switch.fast_switching()  # a second call keeps the first saved value
        gil_switch.restore_switching()
        assert sys.getswitchinterval() == before
        gil_switch.restore_switching()  # nothing saved: no change
        assert sys.getswitchinterval() == before
    finally:
        sys.setswitchinterval(before)
