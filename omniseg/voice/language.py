"""Language of interview text: Spanish and English stop words, accent folding, detection.

:func:`detect_language` tells Spanish from English per document (stop words and accented
letters), and answers "other" for text clearly in another language (Catalan, Portuguese,
French function words); it chooses nothing but is reported per theme
(:mod:`omniseg.voice.themes`). The word sets are data: a deployment may extend them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import pandas as pd

from omniseg.errors import ParameterError

__all__ = ["ENGLISH_STOP_WORDS", "OTHER_LANGUAGE_WORDS", "SPANISH_STOP_WORDS", "detect_language"]


# --------------------------------------------------------------------------------------------
# vocabulary (data: a deployment may extend these sets)
# --------------------------------------------------------------------------------------------


def _words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Spanish stop words, accents folded (compared after :func:`_fold`). Function words, common
#: verbs of little content (ser, estar, tener, hacer...) and conversational fillers of interviews.
SPANISH_STOP_WORDS: frozenset[str] = frozenset(
    _words_of("""
    a al algo alguien algun alguna algunas alguno algunos alli ante antes aqui asi aun
    aunque bastante bien bueno cada casi claro como con contra cosa cosas cual cuales
    cualquier cuando cuanto de del demas desde despues donde dos el ella ellas ello ellos en
    entonces entre era eran eres es esa esas ese eso esos esta estaba estaban estado estamos
    estan estar estas este esto estos estoy fue fueron gracias ha haber habia hace hacen
    hacer hago han has hasta hay he hemos la las le les lo los mas me mi mia mias mio mios
    mis mismo misma mucha muchas mucho muchos muy nada ni no nos nosotros nuestra nuestras
    nuestro nuestros o os otra otras otro otros para pero poco pocos por porque pregunta
    preguntar pues puede pueden puedo que quien quienes se sea sean ser si sido siempre sin
    sobre sois solo somos son soy su sus tal tambien tan tanto te tenemos tener tengo ti
    tiene tienen toda todas todo todos tu tus un una unas uno unos usted ustedes va vais
    vale vamos verdad vez veces vosotros voy y ya yo cierto sinceramente ahora luego dice
    decir pasa quiero gusta gustaria
    """)
)

#: English stop words (lower case; contractions are split at the apostrophe by the tokenizer).
ENGLISH_STOP_WORDS: frozenset[str] = frozenset(
    _words_of("""
    a about above actually after again against all almost also always am an and any anything
    are as at be because been before being below between both bit but by can cannot could
    did do does doing done down during each either else even ever every few for from get
    gets getting got had has have having he her here hers herself him himself his how
    however i if in into is it its itself just like ll lot me more most much my myself never
    no nor not now of off often on once one only or other others our ours ourselves out over
    own quite re really s same she should so some something sometimes such t than thank
    thanks that the their theirs them themselves then there these they thing things this
    those though through to too under until up us usually ve very was way we well were what
    whatever when where whether which while who whom whose why will with would yes yeah yet
    you your yours yourself d m honestly okay ok need needs want wants give gives keep keeps
    tell tells go goes going make makes take takes know came come another everywhere
    """)
)

# --------------------------------------------------------------------------------------------
# text helpers
# --------------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z]+")


@functools.cache
def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in base if not unicodedata.combining(c))
    return base[:1] if len(base) >= 1 else ch


def _fold(text: str) -> str:
    """Lower-case ``text`` and strip accents, character by character (length is preserved)."""
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text)).lower()


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _check_text(text: Any, name: str = "text") -> str:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    if not isinstance(text, str):
        raise ParameterError(f"The '{name}' parameter must be a string. Got {type(text).__name__}.")
    return text


#: Frequent function words of the other languages interviews may come in, lower case with their
#: accents (compared before folding: Catalan "però" is not Spanish "pero"). Only words that are
#: not Spanish or English function words too (no "com", "no", "que", "les", "on", "do").
OTHER_LANGUAGE_WORDS: dict[str, frozenset[str]] = {
    "ca": _words_of("""
        amb però també tambe els és perquè perque aquesta aquest aquests aquestes això aixo
        molt molta molts moltes doncs gràcies sóc estic tinc vaig vam dels pels pel quan
        nosaltres vosaltres jo ara mai gaire més bé fer sempre hem heu ho seva meva vostè fins
        """),
    "pt": _words_of("""
        não nao você voce vocês também tambem uma são obrigado obrigada muito muita muitos
        isso isto então entao ainda eu ele ela eles elas minha meu sua tem tenho estou já só
        até pelo pela pelos pelas ao aos nas num numa é mais bem agora depois quando onde
        sempre há nós lá às minhas meus nosso nossa foi essa esse pra né tá
        """),
    "fr": _words_of("""
        avec mais je nous vous est très merci pas une et il ils elle elles qui dans pour au
        aux du ça cette moi toi sont ont fait être avoir aussi toujours beaucoup rien
        quand comme où parce chez des à ne leur notre votre ces été était
        """),
}

#: Spanish words that none of :data:`OTHER_LANGUAGE_WORDS`' languages writes the same way.
_ES_MARKS = _words_of("""
    y los las con pero muy también están estoy estaba hay yo lo qué cómo más cuando ahora aquí
    mucho mucha muchos muchas nosotros ellos ella ellas eso esto esa ese gracias bueno pues
    entonces así tengo tiene tienen hace hacer donde hasta sin su sus ya veces cosas mi mis es
    """)
_OTHER_MIN = 3  # fewer distinctive words than this: too little to call it another language


def detect_language(text: str) -> str:
    """The language of ``text``: ``"es"``, ``"en"`` or ``"other"``.

    Counts Spanish and English stop words (each list's words that are not also the other's, such
    as "que", "los", "the", "and"); Spanish letters (ñ, accents, ¿ ¡) add to the Spanish count.
    The text is ``"other"`` when the distinctive function words of Catalan, Portuguese or French
    (:data:`OTHER_LANGUAGE_WORDS`: "amb", "però", "não", "você", "avec", "très"...) are at least
    three for one of them and more than the Spanish words that those languages do not share
    ("y", "los", "muy", "está"...) and the English ones ("the", "and"...); otherwise, and for
    short or ambiguous text, ``"es"`` when the Spanish count beats the English one, else
    ``"en"``. Deterministic; a text with no evidence either way (empty, numbers only) is
    ``"en"``.

    Parameters
    ----------
    text : str
        Any text; ``None`` or NaN count as empty.

    Returns
    -------
    {"es", "en", "other"}
        ``"other"``: clearly neither Spanish nor English (Catalan, Portuguese, French...).

    Raises
    ------
    ParameterError
        If ``text`` is not a string.

    Examples
    --------
    >>> detect_language("Siempre comparo precios en la web antes de decidirme.")
    'es'
    >>> detect_language("I always compare prices online first.")
    'en'
    >>> detect_language("Sempre compro a la botiga perquè és més còmode i també barat.")
    'other'
    """
    text = _check_text(text)
    words = _words(text)
    es = sum(w in _ES_ONLY for w in words)
    en = sum(w in _EN_ONLY for w in words)
    raw = _RAW_WORD.findall(text.lower())
    other = max(sum(w in vocab for w in raw) for vocab in OTHER_LANGUAGE_WORDS.values())
    if other >= _OTHER_MIN:
        es_marks = sum(w in _ES_MARKS for w in raw)
        en_marks = sum(w in _EN_MARKS for w in words)
        if other > max(es_marks, en_marks):
            return "other"
    es += sum(ch in "ñÑ¿¡áéíóúÁÉÍÓÚ" for ch in text)
    return "es" if es > en else "en"


_ES_ONLY = SPANISH_STOP_WORDS - ENGLISH_STOP_WORDS
_EN_ONLY = ENGLISH_STOP_WORDS - SPANISH_STOP_WORDS
# English words that are no function word of the other languages either ("i" is Catalan "and",
# "do" and "as" Portuguese, "on" French)
_EN_MARKS = _EN_ONLY - frozenset().union(*OTHER_LANGUAGE_WORDS.values()) - {"i", "do", "as", "on"}
# words with their accents, split at apostrophes ("c'est" -> "c", "est")
_RAW_WORD = re.compile(r"[^\W\d_]+")
