"""A deductive codebook for interview themes: the user's themes, each with its seed words.

Interview coders work from a codebook: themes they expect, each recognised by words. With
``extract_themes(..., codebook=...)`` the user's themes are kept as given — a sentence holding
any of a theme's seed words (lemmatised and joined across languages like the transcripts,
:class:`~omniseg.voice.text_terms.TermAnalyzer`) is coded to the theme with the most hits (ties:
the codebook's order) — and the sentences no code matches are left to NMF, which reports what
is left over as new themes. The codebook is a mapping or a YAML file::

    themes:
      Waiting time: [espera, esperar, wait, queue, minutos]
      Staff advice: [dependiente, consejo, staff, advice]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from omniseg.errors import ParameterError

__all__ = ["code_sentences", "read_codebook"]


def read_codebook(codebook: Mapping[str, Iterable[str]] | str | Path) -> dict[str, list[str]]:
    """The codebook as ``{theme name: [seed words]}``, checked.

    Parameters
    ----------
    codebook : mapping or path
        ``{name: [words]}``, or a YAML file holding it (optionally under ``themes:``).

    Raises
    ------
    ParameterError
        For a file that does not exist or is not YAML, an empty codebook, a theme without
        seed words or a seed that is not text, naming the theme and the fix.
    """
    source = "codebook"
    if isinstance(codebook, str | Path):
        import yaml

        path = Path(codebook)
        source = str(path)
        if not path.is_file():
            raise ParameterError(f"Codebook {path} does not exist. Fix: give a YAML file.")
        try:
            codebook = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ParameterError(f"Codebook {path} is not valid YAML: {exc}") from None
    if isinstance(codebook, Mapping) and set(codebook) == {"themes"}:
        codebook = codebook["themes"]
    if not isinstance(codebook, Mapping) or not codebook:
        raise ParameterError(
            f"{source}: a codebook maps each theme to its seed words, e.g. "
            "{'Waiting time': ['espera', 'wait']}. Got nothing usable."
        )
    out: dict[str, list[str]] = {}
    for name, words in codebook.items():
        if isinstance(words, str) or not isinstance(words, Iterable):
            raise ParameterError(
                f"{source}: theme {name!r} needs a list of seed words, got {words!r}. "
                f"Fix: {name}: [word, other word]."
            )
        seeds = [str(w) for w in words if isinstance(w, str) and w.strip()]
        if not seeds:
            raise ParameterError(f"{source}: theme {name!r} has no seed word. Fix: list some.")
        out[str(name)] = seeds
    return out


def code_sentences(keys: pd.Series, codebook: Mapping[str, list[str]], analyzer: Any) -> np.ndarray:
    """The code of each sentence: the index of the codebook theme whose seed terms it holds
    most (ties: the codebook's order), -1 for none.

    Parameters
    ----------
    keys : Series
        The sentences' terms, space-separated (``extract_themes``'s ``key``).
    codebook : mapping
        :func:`read_codebook`'s result.
    analyzer : TermAnalyzer
        The analyzer the sentences went through (seed words are read the same way, in both
        languages).
    """
    seeds = [
        {t for word in words for lang in ("es", "en") for t in analyzer.terms(word, lang)}
        for words in codebook.values()
    ]
    codes = np.full(len(keys), -1, dtype=int)
    for i, key in enumerate(keys):
        terms = set(key.split())
        hits = [len(terms & s) for s in seeds]
        best = int(np.argmax(hits)) if hits else 0
        if hits and hits[best] > 0:
            codes[i] = best
    return codes
