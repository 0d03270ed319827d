"""What a loader warns about, as a message key with parameters (:class:`LoaderWarning`).

The loaders do not write sentences: they record a key of :data:`omniseg.report.i18n.MESSAGES`
and its parameters, and the text is worded when it is shown — in English by ``str()`` (the
validation report, logs, the console), in the report's language by
:func:`omniseg.report.i18n.translate_loader_warning`. A parameter may itself be a worded part
(``{"key": ..., "params": ...}``, e.g. *why* a number was read so), worded in the same language.

Examples
--------
>>> w = LoaderWarning("loader.unknown_customers", {"src": "events.csv", "n": 1234})
>>> str(w)
'events.csv: 1,234 rows have a customer_id that is not in the CRM'
>>> "not in the CRM" in w
True
>>> LoaderWarning.from_dict(w.to_dict()) == w
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["LoaderWarning", "phrase"]


def phrase(key: str, **params: Any) -> dict[str, Any]:
    """A worded part of a warning: a parameter worded in the warning's language.

    Examples
    --------
    >>> phrase("loader.why.mixed")
    {'key': 'loader.why.mixed', 'params': {}}
    """
    return {"key": key, "params": params}


@dataclass(frozen=True, eq=False)
class LoaderWarning:
    """A loader warning: a message key and its parameters (plain, JSON-serialisable data).

    It reads as its English text: ``str(w)``, ``"dropped" in w`` and ``w == "…"`` use the text,
    and string methods (``w.split(":")``, ``w.startswith(...)``) act on it.

    Parameters
    ----------
    key : str
        A ``loader.*`` key of :data:`omniseg.report.i18n.MESSAGES`.
    params : dict
        The key's fields: numbers and shares as numbers (formatted for the language when
        worded), labels as strings or lists, worded parts as :func:`phrase` dicts.
    """

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str = "en") -> str:
        """The warning worded in ``language``."""
        from omniseg.report.i18n import translate_loader_warning

        return translate_loader_warning(self, language)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a snapshot: ``{"key": ..., "params": ...}``."""
        return {"key": self.key, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | str) -> LoaderWarning | str:
        """Rebuild a warning from :meth:`to_dict` output (a plain string is returned as is)."""
        if isinstance(data, str):
            return data
        return cls(data["key"], dict(data.get("params", {})))

    def __str__(self) -> str:
        return self.text("en")

    def __repr__(self) -> str:
        return f"LoaderWarning({self.key!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LoaderWarning):
            return self.key == other.key and self.params == other.params
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __contains__(self, text: str) -> bool:
        return text in str(self)

    def __len__(self) -> int:
        return len(str(self))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or not hasattr(str, name):
            raise AttributeError(name)
        return getattr(str(self), name)
