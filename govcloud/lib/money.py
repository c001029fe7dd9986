"""Money in yuan, exact to the fen (C-2): Decimal only, never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
HUNDRED = Decimal(100)
#: No real contract reaches a trillion yuan; refusing it keeps every amount writable in words.
LARGEST_AMOUNT = Decimal(10) ** 12
_PLAIN_AMOUNT = re.compile(r"^[+-]?\d+(\.\d+)?$")


class MoneyError(ValueError):
    """A value cannot be read as an amount of money."""


def to_money(value: object) -> Decimal:
    """Return the value as a Decimal amount; refuse floats and anything finer than a fen."""
    if isinstance(value, (bool, float)):
        raise MoneyError(f"{value!r} is not an exact amount (write it as text, e.g. \"12.30\")")
    text = str(value).replace(",", "").replace("¥", "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise MoneyError(f"{value!r} is not an amount of money") from None
    if not amount.is_finite():
        raise MoneyError(f"{value!r} is not a finite amount")
    if not _PLAIN_AMOUNT.match(text):
        raise MoneyError(f"{value!r} is not written as a plain amount such as 1234.50")
    if abs(amount) >= LARGEST_AMOUNT:
        raise MoneyError(f"{value!r} is too large (a trillion yuan or more)")
    if amount != amount.quantize(FEN):
        raise MoneyError(f"{value!r} is finer than one fen")
    return amount.quantize(FEN)


def round_to_fen(amount: Decimal) -> Decimal:
    """Round half up to the fen, the way invoices round."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def split_by_percent(total: Decimal, percents: list[Decimal]) -> list[Decimal]:
    """Split a total into shares by percent so that the shares add up to the total exactly.

    Each share is rounded down to the fen; the fen left over go one by one to the
    shares with the largest remainders (ties to the earlier share), so 70 % / 30 % of
    ¥3,887,026.00 gives ¥2,720,918.20 and ¥1,166,107.80 and no fen is lost or made up.
    """
    if sum(percents, Decimal(0)) != HUNDRED:
        raise MoneyError(f"percentages add up to {sum(percents, Decimal(0))}, not 100")
    if total < 0:
        raise MoneyError(f"cannot split a negative total ({total})")
    total_fen = int(total / FEN)
    exact = [Decimal(total_fen) * percent / HUNDRED for percent in percents]
    floors = [int(share) for share in exact]
    leftover = total_fen - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in by_remainder[:leftover]:
        floors[index] += 1
    return [Decimal(share) * FEN for share in floors]


def excluding_tax_agrees(including: Decimal, excluding: Decimal, rate: Decimal) -> bool:
    """Return whether the amounts with and without tax agree with the rate to one fen.

    Either way round: the amount without tax is within a fen of the total divided by
    (1 + rate) and rounded, or the total is within a fen of the amount times (1 + rate).
    """
    from_total = round_to_fen(including / (1 + rate))
    return abs(from_total - excluding) <= FEN or abs(excluding * (1 + rate) - including) <= FEN


def format_yuan(amount: Decimal) -> str:
    """Format an amount the way the contract writes it: ¥3,887,026.00."""
    return f"¥{amount:,.2f}"


def to_wan_yuan(amount: Decimal) -> Decimal:
    """Return the amount in 万元 (ten thousand yuan), the unit of the KPI table."""
    return amount / Decimal(10000)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿")


def amount_in_words(amount: Decimal) -> str:
    """Write an amount in Chinese capital numerals (大写), as contracts and invoices do.

    ``amount_in_words(Decimal("2720918.20"))`` gives 贰佰柒拾贰万零玖佰壹拾捌元贰角整.
    """
    if amount < 0:
        raise MoneyError("cannot write a negative amount in words")
    if amount >= LARGEST_AMOUNT:
        raise MoneyError("cannot write a trillion yuan or more in words")
    fen_total = int(round_to_fen(amount) / FEN)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    digits = str(yuan)
    words = ""
    pending_zero = False
    for index, char in enumerate(digits):
        position = len(digits) - 1 - index
        digit = int(char)
        if digit:
            if pending_zero:
                words += "零"
                pending_zero = False
            words += _DIGITS[digit] + _PLACES[position % 4]
        elif words:
            pending_zero = True
        if position % 4 == 0 and position:
            group = digits[max(0, index - 3) : index + 1]
            if int(group):
                words += _SECTIONS[position // 4]
    words = (words or "零") + "元"
    if jiao:
        words += _DIGITS[jiao] + "角"
    if fen:
        words += ("零" if not jiao and yuan else "") + _DIGITS[fen] + "分"
    else:
        words += "整"
    return words


def same_amount_in_words(written: str, expected: str) -> bool:
    """Return whether two amounts in words agree, allowing the spellings the PBoC allows:
    a 人民币 prefix, 正 for 整, 零 before 角, and 整 after 角 or left out."""
    return _plain_words(written) == _plain_words(expected)


def _plain_words(words: str) -> str:
    words = re.sub(r"\s", "", words)
    words = re.sub(r"^[（(]?人民币[）)]?[:：]?", "", words).replace("正", "整")
    words = re.sub(r"元零(?=[壹贰叁肆伍陆柒捌玖]角)", "元", words)
    if "角" in words or "分" in words:
        words = words.removesuffix("整")
    return words
