"""Configuration validation on arbitrary values: a ConfigError or a valid config, nothing else."""

import dataclasses
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from w2v_core import ConfigError, TrainConfig
from w2v_core.train import LIMITS

ANY_VALUE = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5)
    | st.lists(st.integers(), max_size=2)
)
FIELDS = [f.name for f in dataclasses.fields(TrainConfig)]


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(FIELDS), value=ANY_VALUE)
def test_any_single_value_is_accepted_or_refused_cleanly(field, value):
    config = TrainConfig(**{field: value})
    try:
        config.validate()
    except ConfigError as error:
        assert field in str(error) or "alpha" in str(error)
        assert "\n" not in str(error)
        return
    # Accepted: then the value really is inside its limits.
    if field in LIMITS and value is not None:
        low, high = LIMITS[field]
        assert low <= value <= high and math.isfinite(value)


@settings(max_examples=200, deadline=None)
@given(
    dim=st.integers(-5, 3000),
    window=st.integers(-5, 60),
    negatives=st.integers(-5, 120),
    epochs=st.integers(-5, 2000),
    alpha=st.floats(-1, 2, allow_nan=False),
)
def test_ranges(dim, window, negatives, epochs, alpha):
    config = TrainConfig(dim=dim, window=window, negatives=negatives, epochs=epochs, alpha=alpha)
    inside = (
        1 <= dim <= LIMITS["dim"][1]
        and 1 <= window <= LIMITS["window"][1]
        and 1 <= negatives <= LIMITS["negatives"][1]
        and 1 <= epochs <= LIMITS["epochs"][1]
        and LIMITS["alpha"][0] <= alpha <= LIMITS["alpha"][1]
        and config.min_alpha <= alpha
    )
    try:
        config.validate()
        assert inside
    except ConfigError:
        assert not inside
