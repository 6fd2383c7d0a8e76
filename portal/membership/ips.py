"""Serbian bank transfers: account numbers, model 97 payment references, and the NBS IPS QR code.

The IPS QR code is what Serbian banking apps scan to fill in a payment order ("IPS skeniraj").
The text is a list of tagged fields joined by "|" in a fixed order (K, V, C, R, N, I, P, SF, S,
RO), UTF-8 encoded; the National Bank of Serbia's rules set each field's length and form.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

import segno
from django.utils.translation import gettext as _


class IPSError(ValueError):
    """The data cannot make a valid payment order; the message says what is wrong."""


def _mod97_control(digits: str) -> str:
    """ISO 7064 MOD 97-10 control digits, as Serbian accounts and model 97 use them."""
    return f"{98 - int(digits + '00') % 97:02d}"


def normalise_account(account: str) -> str:
    """ "160-12345-67" → the 18 digits the IPS code carries; refuses a wrong control number."""
    parts = re.split(r"[\s-]+", account.strip())
    if len(parts) == 3 and all(part.isdigit() for part in parts):
        bank, number, control = parts
        if len(bank) != 3 or len(control) != 2 or len(number) > 13:
            raise IPSError(_("Write the account as bank code-number-control, e.g. 160-0000000012345-67."))
        digits = bank + number.rjust(13, "0") + control
    else:
        digits = "".join(parts)
    if not (digits.isdigit() and len(digits) == 18):
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
    if not digits.isdigit() or not 1 <= len(digits) <= 20:
        raise IPSError(_("A payment reference is made of up to 20 digits."))
    return _mod97_control(digits) + digits


def reference_is_valid(reference: str) -> bool:
    digits = re.sub(r"\D", "", reference)
    return len(digits) > 2 and int(digits[2:] + digits[:2]) % 97 == 1


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
    if not (payment_code.isdigit() and len(payment_code) == 3 and payment_code[0] in "12"):
        raise IPSError(_("The payment code is three digits starting with 1 or 2."))
    payee = _clean(payee)
    if not payee:
        raise IPSError(_("The payee's name is missing."))
    fields = [
        ("K", "PR"),
        ("V", "01"),
        ("C", "1"),
        ("R", normalise_account(account)),
        ("N", payee[:70]),
        ("I", "RSD" + amount_text(amount)),
    ]
    if payer:
        fields.append(("P", _clean(payer)[:70]))
    fields.append(("SF", payment_code))
    if purpose:
        fields.append(("S", _clean(purpose)[:35]))
    if reference:
        digits = re.sub(r"\D", "", reference)
        fields.append(("RO", "97" + digits))
    return "|".join(f"{tag}:{value}" for tag, value in fields)


def _clean(text: str) -> str:
    """One line without the field separator."""
    return " ".join(text.replace("|", " ").split())


def qr_svg(text: str, *, title: str) -> str:
    """The QR code as inline SVG (error correction M, UTF-8, as the IPS rules ask)."""
    code = segno.make(text, error="m", encoding="utf-8", micro=False, boost_error=False)
    return code.svg_inline(scale=4, border=4, title=title, dark="#000", light="#fff", omitsize=True)
