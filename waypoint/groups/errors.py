"""Why a service refused: a code for sockets (docs/realtime.md#groups), words for pages."""

from __future__ import annotations


class Refused(Exception):
    """A member's action that was refused; nothing changed. `message` is for the person."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.retry_after = retry_after


class MemberMuted(Refused):
    code = "muted"


class AgreementPending(Refused):
    code = "agreement"


class RateLimited(Refused):
    code = "rate_limited"
