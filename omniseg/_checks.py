"""The one way omniseg checks function parameters, with one message template.

Every check raises :class:`~omniseg.errors.ParameterError` worded as::

    The '<name>' parameter of <caller> must be <expected>. Got <value!r> instead.

so that a user reads every refusal the same way, whichever module it comes from. Modules import
these instead of keeping their own copies (there were five ``_check_int`` before).

Examples
--------
>>> check_int(3, "n", "f", 1)
3
>>> check_int(0, "n", "f", 1, 10)
Traceback (most recent call last):
...
omniseg.errors.ParameterError: The 'n' parameter of f must be an int in [1, 10]. Got 0 instead.
>>> check_real(0.5, "share", "f", 0, 1, open_low=True)
0.5
"""

from __future__ import annotations

import math
from numbers import Integral, Real

from omniseg.errors import ParameterError

__all__ = ["bad_parameter", "check_int", "check_real", "int_range", "real_range"]


def bad_parameter(name: str, caller: str, expected: str, got: object) -> ParameterError:
    """The error of a parameter that is not what ``caller`` expects (the one template)."""
    return ParameterError(
        f"The '{name}' parameter of {caller} must be {expected}. Got {got!r} instead."
    )


def int_range(low: int, high: int | None = None) -> str:
    """``"an int in [low, high]"`` (``inf)`` without ``high``)."""
    return f"an int in [{low}, {'inf)' if high is None else f'{high}]'}"


def real_range(low: float, high: float, *, open_low: bool = False) -> str:
    """``"a float in [low, high]"`` (``(low`` when ``open_low``)."""
    return f"a float in {'(' if open_low else '['}{low}, {high}]"


def check_int(value: object, name: str, caller: str, low: int, high: int | None = None) -> int:
    """``value`` as an int in ``[low, high]`` (no upper bound without ``high``; no bools)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, Integral)
        or value < low
        or (high is not None and value > high)
    ):
        raise bad_parameter(name, caller, int_range(low, high), value)
    return int(value)


def check_real(
    value: object, name: str, caller: str, low: float, high: float, *, open_low: bool = False
) -> float:
    """``value`` as a finite float in ``[low, high]`` (``(low, high]`` with ``open_low``)."""
    ok = isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(float(value))
    if ok:
        ok = (low < value if open_low else low <= value) and value <= high
    if not ok:
        raise bad_parameter(name, caller, real_range(low, high, open_low=open_low), value)
    return float(value)
