"""Text as it is spoken: numbers, units and the symbols on screen read in words.

A caption says "16×784 weights, 93.6% right, ∂C/∂w₂"; a voice must say "sixteen by seven hundred
and eighty-four weights, ninety-three point six percent right, d C by d w two". :func:`spoken_text`
makes that rewrite, so every engine (and a person recording the lines) reads the same words.
"""

from __future__ import annotations

import re
import unicodedata

from nnexplain.speech.numbers import number_words

__all__ = ["spoken_text"]

_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_SUPERSCRIPTS = {"²": " squared", "³": " cubed"}
_SYMBOLS = {  # read in words, with spaces around, wherever they stand
    "×": " by ",
    "·": " times ",
    "÷": " divided by ",
    "≈": " about ",
    "≤": " at most ",
    "≥": " at least ",
    "≠": " is not ",
    "→": " to ",
    "←": " from ",
    "…": " to ",
    "/∂": " by d ",  # ∂C/∂w: "d C by d w"
    "∂": " d ",
    "∑": " the sum of ",
    "Σ": " the sum of ",
    "σ": " sigma ",
    "η": " eta ",
    "ε": " epsilon ",
    "α": " alpha ",
    "β": " beta ",
    "μ": " mu ",
    "π": " pi ",
    "∇": " the gradient of ",
    "−": " minus ",
    "±": " plus or minus ",
    "λ": " lambda ",
    "θ": " theta ",
    "Δ": " delta ",
    "δ": " delta ",
    "∞": " infinity ",
    "√": " the square root of ",
    "=": " equals ",
    "+": " plus ",
    "<": " less than ",
    ">": " greater than ",
    "%": " percent ",
    "&": " and ",
    "/": " over ",
}
_NUMBER = r"[−-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"  # 13,002 and 0.036; "784, 16" is two
_DIMENSIONS = re.compile(r"(?<![\w.])(\d+)(?:-(\d+)){2,}(?![\w.])")  # 784-16-16-10: an architecture
_TIMES = re.compile(rf"({_NUMBER})\s*[x×]\s*(?={_NUMBER})")  # 28x28, 16 × 784
_NUMBER_RE = re.compile(rf"(?<![\w.]){_NUMBER}(?!\d)")
_LETTER_DIGIT = re.compile(r"\b([A-Za-z])(\d+)\b")  # W2, a1: a symbol with an index
_MINUS = re.compile(r"(?<![\w)])[−-](?=\d)")
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
_SUPERSCRIPT_INDEX = re.compile(r"⁽([^⁾]*)⁾")  # w⁽ᴸ⁾, a⁽ᴸ⁻¹⁾: a layer's index, said after the symbol


def _architecture(match: re.Match) -> str:
    return ", ".join(match.group(0).split("-"))


def _ordinal(match: re.Match) -> str:
    words = number_words(match.group(1))
    for plain, ordinal in (("one", "first"), ("two", "second"), ("three", "third"), ("five", "fifth")):
        if words.endswith(plain):
            return words[: -len(plain)] + ordinal
    if words.endswith("y"):
        return words[:-1] + "ieth"
    return words + ("h" if words.endswith("t") else "th")


def _raised_plain(character: str) -> str:
    """A raised letter or digit (ᴸ, ¹) as its plain one (x¹⁰ is then said "x ten"); others as they are."""
    name = unicodedata.name(character, "")
    if "SUPERSCRIPT" in name or name.startswith("MODIFIER LETTER"):
        return unicodedata.normalize("NFKD", character)
    return character


def spoken_text(text: str) -> str:
    """``text`` as a voice reads it: one line, numbers and symbols in words, punctuation kept for pauses."""
    text = " ".join(text.split()).translate(_SUBSCRIPTS)
    text = _SUPERSCRIPT_INDEX.sub(lambda m: " " + unicodedata.normalize("NFKD", m.group(1)) + " ", text)
    for mark, words in _SUPERSCRIPTS.items():
        text = text.replace(mark, words)
    text = "".join(_raised_plain(c) for c in text)
    text = _DIMENSIONS.sub(_architecture, text)
    text = _TIMES.sub(lambda m: f"{m.group(1)} by ", text)
    text = _ORDINAL.sub(_ordinal, text)
    text = _LETTER_DIGIT.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)
    text = _MINUS.sub(" minus ", text)
    text = _NUMBER_RE.sub(lambda m: number_words(m.group(0)), text)
    for mark, words in _SYMBOLS.items():
        text = text.replace(mark, words)
    # Nothing an engine cannot spell is left: what remains outside ASCII is dropped (é -> e).
    text = "".join(c if c.isascii() else " " for c in unicodedata.normalize("NFKD", text))
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
    return " ".join(text.split())
