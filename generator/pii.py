"""Personal data in text: 身份证号, mainland mobile numbers and bank card numbers.

Pure functions only: `find_personal_data` returns what it found with positions, `masked` gives the
safe preview of a find, `mask_text` replaces every find by its masked form. A number that is
already masked (430104********1234, 138****5678) is no longer a digit run and is never found.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from stdnum import luhn
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

ID_CARD, MOBILE, BANK_CARD = "身份证号", "手机号", "银行卡号"

# Maximal digit runs, an 18-digit 身份证号 may end in X. Separated forms are matched whole.
# Not inside a longer run, nor part of a decimal number (1.38…, …78.5).
EDGE_BEFORE, EDGE_AFTER = r"(?<!\d)(?<!\d\.)", r"(?!\d)(?!\.\d)"
RUN_RE = re.compile(EDGE_BEFORE + r"\d+(?:[Xx](?![A-Za-z0-9]))?" + EDGE_AFTER)
SPACED_MOBILE_RE = re.compile(EDGE_BEFORE + r"1[3-9]\d[ -]\d{4}[ -]\d{4}" + EDGE_AFTER)
SPACED_CARD_RE = re.compile(EDGE_BEFORE + r"\d{4}(?: \d{4}){3}(?: \d{1,3})?" + EDGE_AFTER)
# Every kind above needs at least 11 digits in a row, spaces or dashes allowed between them:
# text without such a stretch holds no personal number (a cheap test before the line scan).
CANDIDATE_RE = re.compile(r"\d[\d -]{9,}\d")

PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
             50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
CARD_FIRST_DIGITS = "34569"    # UnionPay 62…, Visa 4…, Mastercard 5…, JCB/Amex 3…, old domestic 9…


@dataclass(frozen=True)
class Find:
    kind: str          # ID_CARD | MOBILE | BANK_CARD
    start: int
    end: int
    value: str

    @property
    def preview(self) -> str:
        return f"{self.kind} {masked(self.kind, self.value)}"


def find_personal_data(text: str) -> list[Find]:
    finds: list[Find] = []
    for pattern, kind in ((SPACED_MOBILE_RE, MOBILE), (SPACED_CARD_RE, BANK_CARD)):
        for match in pattern.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            if kind == MOBILE or is_bank_card(digits):
                finds.append(Find(kind, match.start(), match.end(), match.group()))
    taken = [(f.start, f.end) for f in finds]
    for match in RUN_RE.finditer(text):
        kind = classify(match.group())
        if kind and not any(s <= match.start() < e for s, e in taken):
            finds.append(Find(kind, match.start(), match.end(), match.group()))
    return sorted(finds, key=lambda f: f.start)


def classify(run: str) -> str | None:
    """What a maximal digit run is, or None when it is none of the three."""
    if len(run) in (15, 18) and is_id_card(run):
        return ID_CARD
    if len(run) == 11 and is_mobile(run):
        return MOBILE
    if len(run) == 13 and run.startswith("86") and is_mobile(run[2:]):
        return MOBILE
    if 16 <= len(run) <= 19 and is_bank_card(run):
        return BANK_CARD
    return None


def is_mobile(digits: str) -> bool:
    return bool(re.fullmatch(r"1[3-9]\d{9}", digits))


def is_id_card(value: str) -> bool:
    """An 18-digit 身份证号 (its ISO 7064 check digit, X or x, and birth date by python-stdnum), or a
    15-digit one of before 1999 (read as its 18-digit form), with a province code that exists.

    Not stdnum's `ric.is_valid`: it also wants the 6-digit county code in its table and in force in
    the birth year, but a number carries the county where it was first issued (浏阳 430181 since
    1993, for people born before), so real numbers would pass the guard unseen."""
    value = value.upper()
    if len(value) == 15 and value.isdigit():
        value = value[:6] + "19" + value[6:] + "0"
        value = value[:17] + ric.calc_check_digit(value)
    if not (len(value) == 18 and re.fullmatch(r"\d{17}[\dX]", value)) or ric.calc_check_digit(value) != value[17]:
        return False
    try:
        born = ric.get_birth_date(value)
    except ValidationError:
        return False
    return plausible_region(value) and dt.date(1900, 1, 1) <= born <= dt.date.today()


def plausible_region(value: str) -> bool:
    return int(value[:2]) in PROVINCES


def is_bank_card(digits: str) -> bool:
    if not (16 <= len(digits) <= 19 and digits.isdigit()) or digits[0] not in CARD_FIRST_DIGITS:
        return False
    return len(set(digits)) > 1 and luhn.is_valid(digits)


def masked(kind: str, value: str) -> str:
    """The value with its middle replaced by '*': 430104********1234, 138****5678, 6222********1234."""
    digits = re.sub(r"[ -]", "", value)
    keep_head = {ID_CARD: 6, MOBILE: 3, BANK_CARD: 4}[kind]
    if kind == MOBILE and len(digits) == 13:
        keep_head = 5                     # 86 + 138
    return digits[:keep_head] + "*" * (len(digits) - keep_head - 4) + digits[-4:]


def mask_text(text: str) -> tuple[str, list[Find]]:
    """The text with every find masked, and the finds."""
    finds = find_personal_data(text)
    parts, last = [], 0
    for find in finds:
        parts += [text[last:find.start], masked(find.kind, find.value)]
        last = find.end
    return "".join(parts) + text[last:], finds
