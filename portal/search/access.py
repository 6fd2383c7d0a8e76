"""Who may find what: entries carry tokens, readers hold tokens, a match needs one in common.

Tokens are decided when a document is indexed (its audience, its requester, the people CC'd,
the organisation when it shares requests) and when a reader searches (their audiences, their
own id, their organisation). Membership is read at search time, so a renewed or lapsed
subscription changes what a person finds at once, without re-indexing anything.
"""

from knowledge_base.permissions import allowed_audiences

EVERYONE = "audience:everyone"


def audience_token(audience: str) -> str:
    return f"audience:{audience}"


def user_token(user_id) -> str:
    return f"user:{user_id}"


def organisation_token(organisation_id) -> str:
    return f"org:{organisation_id}"


def reader_tokens(user) -> list[str]:
    tokens = [audience_token(audience) for audience in allowed_audiences(user)]
    if getattr(user, "is_authenticated", False):
        tokens.append(user_token(user.pk))
        if user.organisation_id:
            tokens.append(organisation_token(user.organisation_id))
    return tokens
