"""The report texts: one gettext catalog per language, read with Babel.

Every text of the reports lives in ``omniseg/report/locale/<language>/LC_MESSAGES/omniseg.po``
under a symbolic key (``msgid "overview.title"``); :func:`t` words a key in a language.

- A text that depends on a count has plural forms (``msgid_plural``, ``msgstr[0]``,
  ``msgstr[1]``; the catalog's ``Plural-Forms`` header says how many and which one a number
  takes). The entry names the field holding the count in an extracted comment, ``#. count: n``,
  and :func:`t` picks the form from that field itself (a list counts its items).
- A word whose Spanish form follows the gender of what it names has one entry per context
  (``msgctxt "female"`` / ``msgctxt "male"``), looked up with :func:`pt`.

Each catalog is read once per process. A language is added by adding its catalog and its code to
:data:`SUPPORTED_LANGUAGES` (``docs/catalog.md``).

Examples
--------
>>> t("report.toc", "es")
'Contenido'
>>> t("loader.unknown_customers", "en", src="a.csv", n=1)
'a.csv: 1 row has a customer_id that is not in the CRM'
>>> pt("female", "persona_name.noun.app", "es")
'Compradora de app'
"""

from __future__ import annotations

import functools
import gettext
import math
import numbers
import string
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from babel.messages.pofile import read_po

from omniseg.errors import ParameterError, TextCatalogError

__all__ = [
    "COUNT_COMMENT",
    "DOMAIN",
    "LOCALE_DIR",
    "SUPPORTED_LANGUAGES",
    "CatalogView",
    "Entry",
    "LanguageTexts",
    "TextCatalog",
    "catalog_keys",
    "catalog_path",
    "catalog_problems",
    "check_language",
    "format_text",
    "has_text",
    "language_texts",
    "pt",
    "read_catalog",
    "t",
    "texts",
]

#: Languages the report can be written in (each has a catalog under :data:`LOCALE_DIR`).
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "es")
#: Folder of the catalogs: ``<language>/LC_MESSAGES/<DOMAIN>.po``.
LOCALE_DIR: Path = Path(__file__).with_name("locale")
#: The catalogs' gettext domain (their file name).
DOMAIN = "omniseg"
#: Start of the extracted comment (``#. count: n``) naming a plural entry's count field.
COUNT_COMMENT = "count:"

V = TypeVar("V")


@dataclass(frozen=True)
class Entry:
    """One text of a catalog.

    Parameters
    ----------
    key : str
        The symbolic msgid, e.g. ``"loader.duplicates"``.
    context : str or None
        The msgctxt (``"female"``, ``"male"``) or ``None``.
    forms : tuple of str
        The text, or its plural forms in the order of the catalog's ``Plural-Forms``.
    count : str or None
        The field whose value chooses the plural form (``None`` for a text without forms).
    """

    key: str
    context: str | None
    forms: tuple[str, ...]
    count: str | None = None


@dataclass(frozen=True)
class TextCatalog:
    """The texts of one language, as read from its ``.po`` file.

    Parameters
    ----------
    language : str
    path : Path
        The ``.po`` file.
    num_plurals : int
        Number of plural forms (``nplurals`` of the ``Plural-Forms`` header).
    plural_expr : str
        The header's ``plural`` expression (C syntax, of ``n``).
    entries : dict
        ``(context, key) -> Entry``, in the file's order.
    """

    language: str
    path: Path
    num_plurals: int
    plural_expr: str
    entries: dict[tuple[str | None, str], Entry]

    @functools.cached_property
    def _plural(self) -> Callable[[int], int]:
        return gettext.c2py(self.plural_expr)

    def plural_index(self, count: object, key: str = "") -> int:
        """Which plural form a count takes: ``count`` is a number or a list (its length); a
        fractional count takes the last form."""
        if isinstance(count, Sized) and not isinstance(count, str):
            count = len(count)
        if isinstance(count, bool) or not isinstance(count, numbers.Real):
            raise ParameterError(
                f"The count of the text {key!r} must be a number or a list. Got {count!r} "
                "instead (pass the raw number, not a formatted one)."
            )
        value = abs(float(count))
        if not math.isfinite(value) or value != int(value):
            return self.num_plurals - 1
        return min(int(self._plural(int(value))), self.num_plurals - 1)


def check_language(language: str) -> str:
    """Check that the report can be written in ``language``.

    Parameters
    ----------
    language : str
        A language code.

    Returns
    -------
    str
        ``language`` itself.

    Raises
    ------
    ParameterError
        If ``language`` is not in :data:`SUPPORTED_LANGUAGES`.
    """
    if not isinstance(language, str) or language not in SUPPORTED_LANGUAGES:
        raise ParameterError(
            f"The 'language' parameter must be one of {SUPPORTED_LANGUAGES}. "
            f"Got {language!r} instead."
        )
    return language


def catalog_path(language: str, locale_dir: Path | str | None = None) -> Path:
    """The ``.po`` file of ``language`` under ``locale_dir`` (default :data:`LOCALE_DIR`)."""
    folder = Path(locale_dir) if locale_dir is not None else LOCALE_DIR
    return folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _count_field(comments: Iterable[str]) -> str | None:
    for comment in comments:
        if comment.strip().startswith(COUNT_COMMENT):
            return comment.strip().removeprefix(COUNT_COMMENT).strip()
    return None


def read_catalog(language: str, locale_dir: Path | str | None = None) -> TextCatalog:
    """Read the catalog of ``language`` (not cached; :func:`t` reads each language once).

    Parameters
    ----------
    language : str
    locale_dir : path, optional
        Folder holding ``<language>/LC_MESSAGES/omniseg.po``; default :data:`LOCALE_DIR`.

    Returns
    -------
    TextCatalog
    """
    path = catalog_path(language, locale_dir)
    with path.open("rb") as f:
        catalog = read_po(f, locale=language, domain=DOMAIN)
    entries: dict[tuple[str | None, str], Entry] = {}
    for message in catalog:
        if not message.id:  # the header
            continue
        if isinstance(message.id, tuple | list):
            key, forms = str(message.id[0]), tuple(message.string)
        else:
            key, forms = str(message.id), (message.string,)
        count = _count_field(message.auto_comments) if message.pluralizable else None
        entries[(message.context, key)] = Entry(key, message.context, forms, count)
    return TextCatalog(language, path, catalog.num_plurals, catalog.plural_expr, entries)


@functools.cache
def _catalog(language: str) -> TextCatalog:
    return read_catalog(language)


def _entry(key: str, language: str, context: str | None) -> Entry:
    try:
        return _catalog(language).entries[(context, key)]
    except KeyError:
        where = f" (context {context!r})" if context is not None else ""
        raise TextCatalogError(
            f"No report text for key {key!r}{where} in language {language!r}. Fix: add the entry "
            f"to omniseg/report/locale/{language}/LC_MESSAGES/omniseg.po (docs/catalog.md)."
        ) from None


def format_text(
    key: str,
    language: str,
    fields: Mapping[str, Any],
    *,
    context: str | None = None,
    counts: Mapping[str, Any] | None = None,
) -> str:
    """Word ``key`` with ``fields``, the plural form chosen from ``counts`` (default ``fields``).

    :func:`t` and :func:`pt` call it; a caller that formats its numbers before wording them
    (:func:`omniseg.report.loader_wording.translate_loader_warning`) passes the raw numbers as
    ``counts``. ``language`` must already be checked.

    Raises
    ------
    TextCatalogError
        If there is no text for ``key``, or a plural text's count field is not given (a
        ``KeyError`` too).
    """
    entry = _entry(key, language, context)
    text = entry.forms[0]
    if entry.count is not None:
        source = fields if counts is None else counts
        if entry.count not in source:
            raise TextCatalogError(f"The text {key!r} needs its count field {entry.count!r}.")
        index = _catalog(language).plural_index(source[entry.count], key)
        text = entry.forms[index]
    return text.format(**fields) if fields else text


def t(key: str, language: str = "en", **fields: object) -> str:
    """The report text of ``key`` in ``language``, formatted with ``fields``.

    Parameters
    ----------
    key : str
        A key of the catalog, such as ``"overview.title"``.
    language : {"en", "es"}, default "en"
        Report language.
    **fields
        Values for the ``{fields}`` of the text. A text with plural forms takes the form its
        count field (``#. count: n`` in the catalog) asks for.

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        If the language is not supported.
    KeyError
        If there is no text for ``key`` in ``language`` (the message names the key).

    Examples
    --------
    >>> t("report.toc", "es")
    'Contenido'
    >>> t("report.run", "en", run="q3")
    'Run: q3'
    >>> t("survey_weights.missing", "es", variable="edad", n=1)
    'Sin ponderar por edad: 1 encuestado no lo indicó.'
    """
    return format_text(key, check_language(language), fields)


def pt(context: str, key: str, language: str = "en", **fields: object) -> str:
    """The text of ``key`` in ``context`` (``pgettext``): the form of a word that agrees with
    what it names, e.g. ``"female"`` or ``"male"``.

    Parameters
    ----------
    context : str
        The entry's ``msgctxt``.
    key : str
    language : {"en", "es"}, default "en"
    **fields
        As for :func:`t`.

    Returns
    -------
    str

    Examples
    --------
    >>> pt("male", "persona_name.noun.web", "es"), pt("female", "persona_name.noun.web", "en")
    ('Investigador web', 'web researcher')
    """
    return format_text(key, check_language(language), fields, context=context)


def has_text(key: str, language: str = "en", context: str | None = None) -> bool:
    """Whether the catalog of ``language`` has a text for ``key`` (in ``context``)."""
    return (context, key) in _catalog(check_language(language)).entries


@functools.cache
def catalog_keys(prefix: str = "", context: str | None = None) -> tuple[str, ...]:
    """The keys starting with ``prefix`` (in ``context``), in catalog order (English catalog).

    Examples
    --------
    >>> catalog_keys("event.")
    ('event.view', 'event.click', 'event.contact', 'event.purchase', 'event.complaint')
    """
    entries = _catalog(SUPPORTED_LANGUAGES[0]).entries
    return tuple(k for c, k in entries if c == context and k.startswith(prefix))


class CatalogView(Mapping[str, V]):
    """A read-only mapping computed from the catalogs when read.

    Parameters
    ----------
    keys : callable
        ``keys() -> iterable of str``: the mapping's keys.
    item : callable
        ``item(key) -> value``.
    """

    def __init__(self, keys: Callable[[], Iterable[str]], item: Callable[[str], V]) -> None:
        self._keys = keys
        self._item = item
        self._known: tuple[object, frozenset[str]] = (None, frozenset())

    def __getitem__(self, key: str) -> V:
        keys = self._keys()
        if self._known[0] is not keys:  # a new key list (a cached tuple is read once)
            self._known = (keys, frozenset(keys))
        if key not in self._known[1]:
            raise KeyError(key)
        return self._item(key)

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self._keys()))

    def __len__(self) -> int:
        return len(tuple(self._keys()))

    def __repr__(self) -> str:
        return f"CatalogView({dict(self)!r})"


def _text(key: str, language: str, context: str | None = None) -> str:
    """The unformatted text of ``key`` (the last form of a plural text)."""
    return _entry(key, language, context).forms[-1]


class LanguageTexts(Mapping[str, str]):
    """``{language: text}`` of one catalog key, read-only (unformatted; the last form of a
    plural text). It pickles as its key, so objects holding it can be saved.

    Parameters
    ----------
    key : str
    context : str, optional
    """

    def __init__(self, key: str, context: str | None = None) -> None:
        self.key = key
        self.context = context

    def __getitem__(self, language: str) -> str:
        if language not in SUPPORTED_LANGUAGES:
            raise KeyError(language)
        return _text(self.key, language, self.context)

    def __iter__(self) -> Iterator[str]:
        return iter(SUPPORTED_LANGUAGES)

    def __len__(self) -> int:
        return len(SUPPORTED_LANGUAGES)

    def __repr__(self) -> str:
        return f"LanguageTexts({self.key!r}: {dict(self)!r})"


def language_texts(key: str, context: str | None = None) -> Mapping[str, str]:
    """``{language: text}`` of ``key`` (a :class:`LanguageTexts`).

    Examples
    --------
    >>> dict(language_texts("report.toc"))
    {'en': 'Contents', 'es': 'Contenido'}
    """
    return LanguageTexts(key, context)


def texts(prefix: str, *, by_language: bool = False) -> Mapping[str, Mapping[str, str]]:
    """The texts of the keys starting with ``prefix``, without it: ``{name: {language: text}}``
    (or ``{language: {name: text}}`` with ``by_language``), read-only and unformatted.

    Examples
    --------
    >>> texts("channel.")["store"]["es"], texts("channel.", by_language=True)["es"]["store"]
    ('Tienda', 'Tienda')
    """

    @functools.cache
    def names() -> tuple[str, ...]:
        return tuple(k.removeprefix(prefix) for k in catalog_keys(prefix))

    if by_language:
        return CatalogView(
            lambda: SUPPORTED_LANGUAGES,
            lambda lang: CatalogView(names, lambda name: _text(prefix + name, lang)),
        )
    return CatalogView(names, lambda name: language_texts(prefix + name))


def _fields(text: str) -> set[str]:
    """The ``{fields}`` of a text (names only, without format specs)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def catalog_problems(
    locale_dir: Path | str | None = None, languages: Iterable[str] = SUPPORTED_LANGUAGES
) -> list[str]:
    """What is wrong with the catalogs, one sentence per problem (an empty list when nothing).

    Every key (and context) must exist in every language with a non-empty text; the ``{fields}``
    of an entry must be the same in every language and in every plural form; a plural entry
    must have as many forms as its language's ``Plural-Forms`` header says, name its count
    field (``#. count: n``) and use it.

    Parameters
    ----------
    locale_dir : path, optional
        Folder of the catalogs; default :data:`LOCALE_DIR`.
    languages : iterable of str, default :data:`SUPPORTED_LANGUAGES`
        The first is the reference the others are compared with.

    Returns
    -------
    list of str

    Examples
    --------
    >>> catalog_problems()
    []
    """
    problems: list[str] = []
    catalogs: dict[str, TextCatalog] = {}
    for language in languages:
        try:
            catalogs[language] = read_catalog(language, locale_dir)
        except (OSError, ValueError) as error:
            problems.append(f"{language}: the catalog cannot be read ({error}).")
    if not catalogs:
        return problems
    reference, *others = catalogs
    fields: dict[tuple[str | None, str], set[str]] = {}
    for language, catalog in catalogs.items():
        if not 1 <= catalog.num_plurals <= 6:
            problems.append(f"{language}: Plural-Forms has nplurals={catalog.num_plurals}.")
            continue
        forms_used = {catalog.plural_index(n) for n in range(0, 1001)}
        if forms_used != set(range(catalog.num_plurals)):
            problems.append(
                f"{language}: Plural-Forms expression {catalog.plural_expr!r} gives the forms "
                f"{sorted(forms_used)} for 0-1000, not all of the {catalog.num_plurals} forms."
            )
        for where, entry in catalog.entries.items():
            name = entry.key if entry.context is None else f"{entry.key} ({entry.context})"
            if any(not form for form in entry.forms):
                problems.append(f"{language}: {name!r} has an empty text.")
            try:
                found = [_fields(form) for form in entry.forms]
            except ValueError as error:
                problems.append(f"{language}: {name!r} has unbalanced braces ({error}).")
                continue
            if any(f != found[0] for f in found):
                problems.append(f"{language}: the plural forms of {name!r} have fields {found}.")
            if len(entry.forms) > 1 or entry.count is not None:
                if len(entry.forms) != catalog.num_plurals:
                    problems.append(
                        f"{language}: {name!r} has {len(entry.forms)} plural forms; "
                        f"Plural-Forms says {catalog.num_plurals}."
                    )
                if entry.count is None:
                    problems.append(f"{language}: {name!r} has plural forms but no '#. count:'.")
                elif entry.count not in found[0]:
                    problems.append(
                        f"{language}: the count field {entry.count!r} of {name!r} is not one of "
                        f"its fields {sorted(found[0])}."
                    )
            if language == reference:
                fields[where] = found[0]
            elif where in fields and found[0] != fields[where]:
                problems.append(
                    f"{language}: {name!r} has the fields {sorted(found[0])}; {reference} has "
                    f"{sorted(fields[where])}."
                )
    keys = set(catalogs[reference].entries)
    for language in others:
        mine = set(catalogs[language].entries)
        for context, key in sorted(keys - mine, key=str):
            problems.append(f"{language}: no text for {key!r} (context {context!r}).")
        for context, key in sorted(mine - keys, key=str):
            problems.append(
                f"{language}: {key!r} (context {context!r}) is not in the {reference} catalog."
            )
    return problems
