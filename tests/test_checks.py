"""One way to check parameters (issue 15 item 4): every module refuses a bad value in the same
words, and every module of the package is reachable as ``omniseg.<name>``."""

from __future__ import annotations

import pkgutil
import re

import numpy as np
import pandas as pd
import pytest

import omniseg
from omniseg._checks import check_int, check_real
from omniseg.errors import ParameterError

TEMPLATE = re.compile(r"^The '(\w+)' parameter of [\w.]+ must be .+\. Got .+ instead\.$")


def _refusal(call) -> str:
    with pytest.raises(ParameterError) as info:
        call()
    return str(info.value)


def test_every_module_refuses_bad_numbers_in_the_same_words():
    from omniseg.channels.charts import plot_sankey
    from omniseg.channels.journeys import Journeys
    from omniseg.segments.profiling import profile_segments
    from omniseg.segments.typing_tool import TypingTool
    from omniseg.voice.construct_reliability import reliability

    journeys = Journeys.from_paths([["web", "store"], ["web"]], conversions=[1, 0])
    features = pd.DataFrame({"age": np.arange(20.0)})
    labels = pd.Series(np.arange(20) % 2)
    messages = [
        _refusal(lambda: plot_sankey(journeys, steps=0)),
        _refusal(lambda: profile_segments(features, labels, min_size=0)),
        _refusal(lambda: reliability(pd.DataFrame(), {"items": {}}, min_alpha=1.5)),
        _refusal(lambda: TypingTool(questions=["age"], cv=1).fit(features, labels.to_numpy())),
    ]
    for text in messages:
        assert TEMPLATE.match(text), text
    assert messages[0] == (
        "The 'steps' parameter of plot_sankey must be an int in [1, 10]. Got 0 instead."
    )
    assert messages[3].startswith("The 'cv' parameter of TypingTool must be an int in [2, inf)")


@pytest.mark.parametrize("value", [True, 2.0, "3", None, 0])
def test_check_int_refuses_bools_floats_text_and_out_of_range(value):
    with pytest.raises(ParameterError, match=r"must be an int in \[1, inf\)"):
        check_int(value, "n", "f", 1)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "0.5", 0.0])
def test_check_real_refuses_non_finite_bools_text_and_an_open_bound(value):
    with pytest.raises(ParameterError, match=r"must be a float in \(0, 1\]"):
        check_real(value, "share", "f", 0, 1, open_low=True)


def test_every_module_is_reachable_from_the_package():
    # regression: omniseg.survey_weights raised AttributeError (a hand-written module list); the
    # stage subpackages list theirs for lazy_loader, so every module on disk must be in that list
    names = [m.name for m in pkgutil.iter_modules(omniseg.__path__) if not m.name.startswith("_")]
    for stage in ("ingest", "identity", "features", "segments", "voice", "channels", "report"):
        assert stage in names
    for name in names:
        module = getattr(omniseg, name)
        assert module.__name__ == f"omniseg.{name}"
        if hasattr(module, "__path__"):
            subs = [m.name for m in pkgutil.iter_modules(module.__path__)]
            subs = [s for s in subs if not s.startswith("_")]
            assert subs, name
            for sub in subs:
                assert getattr(module, sub).__name__ == f"omniseg.{name}.{sub}"
            assert set(subs) <= set(dir(module))
    assert omniseg.voice.survey_weights.SurveyWeighting
    assert set(names) <= set(dir(omniseg))


def test_each_stage_exports_what_its_modules_make_public():
    # the stage __init__s list their names by hand for lazy_loader: a name added to or moved
    # between a module's __all__ must be listed there too (constants stay module-level)
    import importlib

    for stage in ("ingest", "identity", "features", "segments", "voice", "channels", "report",
                  "demo", "config"):  # fmt: skip
        package = importlib.import_module(f"omniseg.{stage}")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"omniseg.{stage}.{info.name}")
            for name in module.__all__:
                if name.isupper():
                    continue
                assert name in package.__all__, (stage, info.name, name)
                assert getattr(package, name) is getattr(module, name), (stage, name)
    assert omniseg.Segmenter is omniseg.segments.segmenter.Segmenter
