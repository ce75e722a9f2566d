"""Numbers in words, as a person reads them aloud: 784 -> "seven hundred and eighty-four", "93.6" ->
"ninety-three point six". British usage ("and" after the hundreds), which speech recognisers and
listeners on both sides of the Atlantic follow."""

from __future__ import annotations

__all__ = ["integer_words", "number_words", "digit_words"]

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{_ONES[hundreds]} hundred"] if hundreds else []
    if rest:
        tens, ones = divmod(rest, 10)
        small = _ONES[rest] if rest < 20 else _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
        words.append(("and " if hundreds else "") + small)
    return " ".join(words)


def integer_words(n: int) -> str:
    """A whole number in words: 13002 -> "thirteen thousand and two"; negative ones with "minus"."""
    if n < 0:
        return "minus " + integer_words(-n)
    if n < 1000:
        return _below_thousand(n) if n else "zero"
    words = []
    for scale, name in _SCALES:
        if n >= scale:
            count, n = divmod(n, scale)
            words.append(f"{integer_words(count)} {name}")
    if n:
        words.append(("and " if n < 100 else "") + _below_thousand(n))
    return " ".join(words)


def digit_words(digits: str) -> str:
    """Each digit on its own, as the part after a decimal point is read: "036" -> "zero three six"."""
    return " ".join(_ONES[int(d)] for d in digits)


def number_words(text: str) -> str:
    """A number written with digits, an optional sign, thousands commas and a decimal point, in words.

    "1,250" -> "one thousand two hundred and fifty"; "-0.75" -> "minus zero point seven five"."""
    text = text.replace(",", "").replace("−", "-")
    sign = "minus " if text.startswith("-") else ""
    text = text.lstrip("+-")
    whole, _, fraction = text.partition(".")
    words = integer_words(int(whole or "0"))
    if fraction:
        words += " point " + digit_words(fraction)
    return sign + words
