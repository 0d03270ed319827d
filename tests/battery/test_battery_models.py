"""Battery: model files are untrusted input.

Every crafted file here is a *live* gadget: a control loads it the naive way (trusting whatever
types the file names, as a prefix allow-list effectively did) in a child process and the canary
file appears or the process ends. ``load_model`` must refuse each one with a ``ModelFileError``
naming the type, and the canary must never be written.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omniseg.errors import ModelFileError
from omniseg.segments.models import ALLOWED_TYPES, load_model, save_model
from omniseg.segments.segmenter import METHODS, Segmenter
from omniseg.segments.typing_tool import MODELS, TypingTool


def _features(seed: int = 0) -> pd.DataFrame:
    """Three well separated channel habits, with age, a category and the typing questions."""
    rng = np.random.default_rng(seed)
    rows = []
    for rates, age, gender in (
        ({"web": 8, "app": 20, "store": 0.2}, 28, "f"),
        ({"web": 2, "app": 0.2, "store": 12}, 68, "m"),
        ({"web": 15, "app": 1, "store": 6}, 45, "f"),
    ):
        for _ in range(60):
            counts = {c: int(rng.poisson(rates[c])) for c in ("web", "app", "store")}
            rows.append(
                {
                    **{f"interactions_{c}": n for c, n in counts.items()},
                    "age": rng.normal(age, 3),
                    "gender": gender if rng.random() < 0.9 else "x",
                    "main_channel": max(counts, key=counts.get),
                    "n_channels": sum(n > 0 for n in counts.values()),
                }
            )
    frame = pd.DataFrame(rows)
    frame.index = [f"C{i:04d}" for i in range(len(frame))]
    return frame


@pytest.fixture(scope="module")
def good_model(tmp_path_factory) -> Path:
    X = _features()
    seg = Segmenter(n_segments=3, random_state=0).fit(X)
    tool = TypingTool(random_state=0).fit(X, seg.labels_, segment_names=["a", "b", "c"])
    return save_model(seg, tmp_path_factory.mktemp("m") / "model.skops", typing_tool=tool)


def _schema(path: Path) -> dict:
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("schema.json"))


def _str_node(value: str) -> dict:
    return {
        "__class__": "str",
        "__module__": "builtins",
        "__loader__": "JsonNode",
        "content": json.dumps(value),
        "is_json": True,
        "__id__": abs(hash(("s", value))) % 10**12,
    }


def _seq_node(kind: str, items: list[dict], uid: int) -> dict:
    return {
        "__class__": kind,
        "__module__": "builtins",
        "__loader__": "TupleNode" if kind == "tuple" else "ListNode",
        "content": items,
        "__id__": uid,
    }


def _call_node(module: str, name: str, *args: dict) -> dict:
    """A node that skops builds by calling ``module.name(*args)``."""
    return {
        "__class__": name,
        "__module__": module,
        "__loader__": "ConstructorFromReduceNode",
        "content": _seq_node("tuple", list(args), 900_000_001),
        "__id__": 900_000_002,
    }


def _craft(good: Path, dest: Path, gadget: dict) -> Path:
    """A copy of a real model file whose ``metadata`` entry is replaced by ``gadget``."""
    schema = _schema(good)
    schema["content"]["metadata"] = gadget
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(dest, "w") as out:
        for item in src.infolist():
            data = json.dumps(schema) if item.filename == "schema.json" else src.read(item)
            out.writestr(item, data)
    return dest


def _gadgets(canary: Path) -> dict[str, tuple[dict, str]]:
    """name -> (gadget node, the type name the refusal must cite)."""
    code = f"open({str(canary)!r}, 'w').write('pwned')"
    empty_dict = {
        "__class__": "dict",
        "__module__": "builtins",
        "__loader__": "DictNode",
        "content": {},
        "key_types": _seq_node("list", [], 900_000_003),
        "__id__": 900_000_004,
    }
    return {
        "numpy runstring (exec)": (
            _call_node("numpy.testing._private.utils", "runstring", _str_node(code), empty_dict),
            "numpy.testing._private.utils.runstring",
        ),
        "os.system": (_call_node("os", "system", _str_node(f"touch {canary}")), "os.system"),
        "subprocess": (
            _call_node(
                "subprocess",
                "check_call",
                _seq_node("list", [_str_node("touch"), _str_node(str(canary))], 900_000_005),
            ),
            "subprocess.check_call",
        ),
        "eval": (_call_node("builtins", "eval", _str_node(code)), "builtins.eval"),
        "open": (
            _call_node("builtins", "open", _str_node(str(canary)), _str_node("w")),
            "builtins.open",
        ),
        "builtins.exit": (
            {**empty_dict, "__class__": "exit", "__id__": 900_000_006},
            "builtins.exit",
        ),
    }


_NAIVE_LOAD = textwrap.dedent(
    """
    import sys
    import skops.io as sio
    path = sys.argv[1]
    sio.load(path, trusted=sio.get_untrusted_types(file=path))
    print("loaded")
    """
)


@pytest.mark.parametrize(
    "name",
    ["numpy runstring (exec)", "os.system", "subprocess", "eval", "open", "builtins.exit"],
)
def test_crafted_gadget_is_live_yet_refused_without_running(good_model, tmp_path, name):
    canary = tmp_path / "canary"
    gadget, cited = _gadgets(canary)[name]
    evil = _craft(good_model, tmp_path / "model.skops", gadget)
    # control: trusted the naive way, the file really runs code (or ends the process)
    done = subprocess.run(
        [sys.executable, "-c", _NAIVE_LOAD, str(evil)], capture_output=True, text=True, timeout=120
    )
    if name == "builtins.exit":  # the process ended quietly, with success, mid-load
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    else:
        assert canary.exists(), done.stderr[-2000:]
    canary.unlink(missing_ok=True)
    # omniseg refuses before building anything, naming the type
    with pytest.raises(ModelFileError, match="does not trust") as err:
        load_model(evil)
    assert cited in str(err.value)
    assert "nothing in it was loaded or run" in str(err.value)
    assert not canary.exists()


def test_pickle_renamed_skops_is_refused_without_unpickling(tmp_path):
    canary = tmp_path / "canary"

    class Boom:
        def __reduce__(self):
            return (open, (str(canary), "w"))

    evil = tmp_path / "model.skops"
    evil.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(ModelFileError, match="not a readable omniseg model file") as err:
        load_model(evil)
    assert "a pickle, for example" in str(err.value)
    assert not canary.exists()


def test_method_of_an_allowed_type_is_refused(good_model, tmp_path):
    # a bound method of an allowed class (fit of a Segmenter) is a callable, not an allowed type
    segmenter = _schema(good_model)["content"]["segmenter"]
    gadget = {
        "__class__": "Segmenter",
        "__module__": "omniseg.segments.segmenter",
        "__loader__": "MethodNode",
        "content": {"obj": segmenter, "func": "fit"},
        "__id__": 900_000_010,
    }
    evil = _craft(good_model, tmp_path / "m.skops", gadget)
    with pytest.raises(ModelFileError, match=r"Segmenter\.fit"):
        load_model(evil)


def test_schema_that_is_not_json_or_has_unknown_nodes_is_refused(good_model, tmp_path):
    broken = tmp_path / "broken.skops"
    with zipfile.ZipFile(good_model) as src, zipfile.ZipFile(broken, "w") as out:
        for item in src.infolist():
            out.writestr(item, b"{not json" if item.filename == "schema.json" else src.read(item))
    with pytest.raises(ModelFileError, match="not a readable omniseg model file"):
        load_model(broken)
    odd = _craft(
        good_model,
        tmp_path / "odd.skops",
        {"__class__": "x", "__module__": "y", "__loader__": "NoSuchNode", "__id__": 1},
    )
    with pytest.raises(ModelFileError):
        load_model(odd)


def test_empty_and_zero_byte_files_are_refused(tmp_path):
    empty = tmp_path / "empty.skops"
    empty.write_bytes(b"")
    with pytest.raises(ModelFileError, match="not a readable omniseg model file"):
        load_model(empty)
    with pytest.raises(ModelFileError, match="does not exist"):
        load_model(tmp_path)  # a folder is not a model file


@pytest.mark.slow
@pytest.mark.parametrize("method", METHODS)
def test_every_file_save_model_writes_needs_only_allowed_types(tmp_path, method):
    import skops.io as sio

    X = _features(1)
    blocks = {"channels": "channel_mix", "demographics": ["age", "gender"]}
    seg = Segmenter(method=method, n_segments=3, blocks=blocks, n_init=2, random_state=0).fit(X)
    for model in MODELS:
        tool = TypingTool(model=model, random_state=0).fit(
            X, seg.labels_, segment_names=["a", "b", "c"]
        )
        path = save_model(seg, tmp_path / f"{model}.skops", typing_tool=tool)
        assert set(sio.get_untrusted_types(file=path)) <= ALLOWED_TYPES
        bundle = load_model(path)
        np.testing.assert_array_equal(bundle["segmenter"].predict(X), seg.predict(X))
