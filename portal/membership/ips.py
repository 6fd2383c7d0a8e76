"""Serbian bank transfers: account numbers, model 97 payment references, and the NBS IPS QR code.

The IPS QR code is what Serbian banking apps scan to fill in a payment order ("IPS skeniraj").
The text is a list of tagged fields joined by "|" in a fixed order (K, V, C, R, N, I, P, SF, S,
RO), UTF-8 encoded; the National Bank of Serbia's rules set each field's length and form, and
these are checked here:

- R: 18 digits, control digits by MOD 97; I: "RSD" and the amount with a decimal comma.
- N (payee, at most 70 characters) is required; P (payer, 70) and S (purpose, 35) are optional and
  left out entirely when empty, never written as an empty field.
- Text uses the letters of the Serbian Latin and Cyrillic alphabets (and the English ones), digits,
  spaces and ordinary punctuation. Other accented letters lose their accents; other characters are
  dropped. Text too long is cut at a word boundary, never mid-word, without a trailing space.
- SF: three digits starting with 1 or 2. RO: model 97 with valid control digits, at most 25
  characters with the model.
"""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

import segno
from django.utils.translation import gettext as _

from portal.text import ascii_digits


class IPSError(ValueError):
    """The data cannot make a valid payment order; the message says what is wrong."""


def _mod97_control(digits: str) -> str:
    """ISO 7064 MOD 97-10 control digits, as Serbian accounts and model 97 use them."""
    return f"{98 - int(digits + '00') % 97:02d}"


def normalise_account(account: str) -> str:
    """ "160-12345-67" → the 18 digits the IPS code carries; refuses a wrong control number."""
    parts = re.split(r"[\s-]+", account.strip())
    if len(parts) == 3 and all(ascii_digits(part) for part in parts):
        bank, number, control = parts
        if len(bank) != 3 or len(control) != 2 or len(number) > 13:
            raise IPSError(_("Write the account as bank code-number-control, e.g. 160-0000000012345-67."))
        digits = bank + number.rjust(13, "0") + control
    else:
        digits = "".join(parts)
    if not (ascii_digits(digits) and len(digits) == 18):
        raise IPSError(_("A Serbian account number has 18 digits."))
    if int(digits) % 97 != 1:
        raise IPSError(_("The account number's control digits do not match; check it for a typo."))
    return digits


def format_account(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:16]}-{digits[16:]}"


def account_with_control(bank: str, number: str) -> str:
    """A valid account number from its bank code and number (used to make demo and test accounts)."""
    body = bank + number.rjust(13, "0")
    return body + _mod97_control(body)


def reference_97(digits: str) -> str:
    """A model 97 payment reference: two control digits, then the number."""
    if not ascii_digits(digits) or not 1 <= len(digits) <= 20:
        raise IPSError(_("A payment reference is made of up to 20 digits."))
    return _mod97_control(digits) + digits


def reference_is_valid(reference: str) -> bool:
    """A model 97 reference (control digits, then the number; spaces and dashes allowed between)."""
    digits = re.sub(r"[\s-]", "", reference or "")
    return ascii_digits(digits) and 3 <= len(digits) <= MAX_REFERENCE and int(digits[2:] + digits[:2]) % 97 == 1


#: RO holds the model ("97") and the reference: 25 characters at most.
MAX_REFERENCE = 23


def amount_text(amount: Decimal) -> str:
    """1234.5 → "1234,50": a comma, two decimals, no thousands separators."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount <= 0 or amount >= Decimal("1000000000000"):
        raise IPSError(_("The amount must be more than zero."))
    return f"{amount:.2f}".replace(".", ",")


def payload(
    *,
    account: str,
    payee: str,
    amount: Decimal,
    currency: str = "RSD",
    payment_code: str = "221",
    purpose: str = "",
    reference: str = "",
    payer: str = "",
) -> str:
    """The text of an IPS QR code for a payment slip (K:PR). `reference` is a model 97 reference
    (control digits and number, as `reference_97` makes it), without the model."""
    if currency != "RSD":
        raise IPSError(_("IPS payments are made in dinars (RSD)."))
    check_payment_code(payment_code)
    payee = fit_text(payee, 70)
    if not payee:
        raise IPSError(_("The payee's name is missing."))
    fields = [
        ("K", "PR"),
        ("V", "01"),
        ("C", "1"),
        ("R", normalise_account(account)),
        ("N", payee),
        ("I", "RSD" + amount_text(amount)),
    ]
    payer = fit_text(payer, 70)
    if payer:
        fields.append(("P", payer))
    fields.append(("SF", payment_code))
    purpose = fit_text(purpose, 35)
    if purpose:
        fields.append(("S", purpose))
    if reference:
        if not reference_is_valid(reference):
            raise IPSError(_("The payment reference is not a valid model 97 reference."))
        fields.append(("RO", "97" + re.sub(r"[\s-]", "", reference)))
    return "|".join(f"{tag}:{value}" for tag, value in fields)


def check_payment_code(code: str) -> str:
    """The payment code (šifra plaćanja) as the IPS rules allow it, or IPSError."""
    if not (ascii_digits(code or "") and len(code) == 3 and code[0] in "12"):
        raise IPSError(_("The payment code is three digits starting with 1 or 2."))
    return code


#: Letters of the Serbian alphabets beyond ASCII; ASCII letters, digits, space and this punctuation pass too.
SERBIAN_LETTERS = set("čćžšđČĆŽŠĐ") | {chr(code) for code in range(0x0400, 0x0460)}
PUNCTUATION = set(" .,:;-/()'\"!?+&@%*=_#")


def fit_text(text: str, limit: int) -> str:
    """Text for an IPS field: allowed characters only, one line, at most `limit` characters, cut at a
    word boundary (a single word longer than the limit is cut at the limit)."""
    kept = []
    for char in " ".join((text or "").replace("|", " ").split()):
        if (char.isascii() and (char.isalnum() or char in PUNCTUATION)) or char in SERBIAN_LETTERS:
            kept.append(char)
            continue
        folded = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        kept.append(folded if folded.isalnum() else " ")
    line = " ".join("".join(kept).split())
    if len(line) <= limit:
        return line
    cut = line[: limit + 1].rsplit(" ", 1)[0] if " " in line[: limit + 1] else line[:limit]
    return cut[:limit].rstrip(" ,;:-/")


def qr_svg(text: str, *, title: str) -> str:
    """The QR code as inline SVG (error correction M, UTF-8, as the IPS rules ask)."""
    code = segno.make(text, error="m", encoding="utf-8", micro=False, boost_error=False)
    return code.svg_inline(scale=4, border=4, title=title, dark="#000", light="#fff", omitsize=True)
