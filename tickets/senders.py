"""Whether an incoming message really comes from the address in its From header.

Anyone can write any From. What the receiving mail server checked is in its
`Authentication-Results` header (RFC 8601): DMARC, DKIM and SPF results for the message. Only headers
whose authserv-id names one of *our* receiving servers (`PORTAL_MAIL_AUTHSERV_IDS`) are read: the
server must remove headers carrying its own id from arriving mail, so a sender cannot add one.

The sender counts as verified when, for the From address's domain, DMARC passed, or DKIM passed
with a signing domain aligned to it, or SPF passed for an envelope sender aligned to it (relaxed
alignment: the same domain or one of its subdomains).
"""

from collections.abc import Iterable

import authres


def _domain(value: str) -> str:
    return value.rsplit("@", 1)[-1].strip().strip(".").lower()


def _aligned(domain: str, sender_domain: str) -> bool:
    return bool(domain) and (
        domain == sender_domain or sender_domain.endswith("." + domain) or domain.endswith("." + sender_domain)
    )


def verified_sender(headers: Iterable[str], sender: str, trusted_ids: Iterable[str]) -> bool:
    """True when a trusted Authentication-Results header vouches for the sender's domain."""
    trusted = {server.strip().lower() for server in trusted_ids if server.strip()}
    sender_domain = _domain(sender)
    if not trusted or not sender_domain:
        return False
    for header in headers:
        try:
            parsed = authres.AuthenticationResultsHeader.parse_value(" ".join(str(header).split()))
        except Exception:  # noqa: S112 — an unreadable header vouches for nothing
            continue
        if (parsed.authserv_id or "").lower() not in trusted:
            continue
        for result in parsed.results:
            if (result.result or "").lower() != "pass":
                continue
            properties = {(p.type.lower(), p.name.lower()): p.value or "" for p in result.properties}
            method = (result.method or "").lower()
            if method == "dmarc" and _aligned(
                _domain(properties.get(("header", "from"), sender_domain)), sender_domain
            ):
                return True
            if method == "dkim":
                signer = properties.get(("header", "d")) or properties.get(("header", "i"), "")
                if _aligned(_domain(signer), sender_domain):
                    return True
            if method == "spf":
                envelope = properties.get(("smtp", "mailfrom")) or properties.get(("smtp", "helo"), "")
                if _aligned(_domain(envelope), sender_domain):
                    return True
    return False
