"""Sign-in limits, kept in the database so that they hold across worker processes and restarts.

Every password tried (the sign-in form, `POST /api/v1/tokens`, the current password when changing
it) is one row of `sign_in_attempts`, keyed by the e-mail as typed (normalized: an unknown address
counts exactly like a known one, so a lock tells nobody whether an account exists) and by the client
address. Within the window (`CPAS_SIGN_IN_WINDOW_MINUTES`, 15):

- from an account's third failure, or an address's tenth, each wrong answer waits before it is given,
  doubling from half a second up to `CPAS_SIGN_IN_MAX_DELAY_SECONDS`;
- at `CPAS_SIGN_IN_ACCOUNT_LIMIT` failures of one account (10), or `CPAS_SIGN_IN_ADDRESS_LIMIT` from
  one address (50), further attempts are refused without looking at the password until the window
  has moved past enough of them (429 with `Retry-After` on the API, a message on the form).

A success forgives the account's earlier failures (not the address's: an attacker with one account of
their own must not be able to reset the count of the address they spray from). Refused attempts are
recorded but never counted, so hammering a locked account does not extend its lock. Two processes
racing may each let one attempt past the limit: the limit is a brake, not an exact count.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select

from cpas_workflow.accounts.models import SignInAttempt
from cpas_workflow.core import clock
from cpas_workflow.extensions import db

log = logging.getLogger("cpas.security")
ACCOUNT_FREE, ADDRESS_FREE = 3, 10  # failures answered at once before the delay starts
KEEP = dt.timedelta(days=1)  # attempts are kept a day, for whoever investigates an alert


@dataclass(frozen=True)
class Lock:
    until: dt.datetime
    reason: str  # "account" or "address"

    def retry_after(self) -> int:
        return max(1, math.ceil((self.until - clock.now()).total_seconds()))


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["CPAS_SIGN_IN_WINDOW_MINUTES"])


def _failures(column, value: str, since: dt.datetime, limit: int) -> list[dt.datetime]:
    """The instants of the latest `limit` failures for this key since `since`, newest first."""
    query = (
        select(SignInAttempt.at)
        .where(column == value, SignInAttempt.outcome == "failed", SignInAttempt.at > since)
        .order_by(SignInAttempt.at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _account_since(email: str, start: dt.datetime) -> dt.datetime:
    last_success = db.session.scalar(
        select(func.max(SignInAttempt.at)).where(SignInAttempt.email == email, SignInAttempt.outcome == "succeeded")
    )
    return max(start, last_success) if last_success is not None else start


def _counted(email: str, address: str, limits: tuple[int, int]) -> tuple[list[dt.datetime], list[dt.datetime]]:
    start = clock.now() - _window()
    account = _failures(SignInAttempt.email, email, _account_since(email, start), limits[0])
    by_address = _failures(SignInAttempt.address, address, start, limits[1])
    return account, by_address


def _limits() -> tuple[int, int]:
    config = current_app.config
    return config["CPAS_SIGN_IN_ACCOUNT_LIMIT"], config["CPAS_SIGN_IN_ADDRESS_LIMIT"]


def lock_for(email: str, address: str) -> Lock | None:
    """The lock on this account or address now, if either reached its limit within the window."""
    limits = _limits()
    account, by_address = _counted(email, address, limits)
    locks = [
        Lock(failures[-1] + _window(), reason)
        for failures, limit, reason in ((account, limits[0], "account"), (by_address, limits[1], "address"))
        if len(failures) >= limit
    ]
    return max(locks, key=lambda lock: lock.until) if locks else None


def delay_after_failure(email: str, address: str) -> float:
    """Seconds to wait before answering the failure just recorded: grows with the recent failures."""
    limits = _limits()
    account, by_address = _counted(email, address, limits)
    cap = float(current_app.config["CPAS_SIGN_IN_MAX_DELAY_SECONDS"])

    def delay(count: int, free: int) -> float:
        return 0.0 if count < free else min(0.5 * 2 ** (count - free), cap)

    return max(delay(len(account), ACCOUNT_FREE), delay(len(by_address), ADDRESS_FREE))


def record(email: str, address: str, outcome: str) -> None:
    """Add one attempt (the boundary commits it even when the request fails); forget old ones."""
    now = clock.now()
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - max(KEEP, _window())))
    db.session.add(SignInAttempt(at=now, email=email[:254], address=address[:64], outcome=outcome))
    db.session.flush()


def keep_refused_attempt(exc: Exception) -> None:
    """For the boundary, when a sign-in is refused: commit the attempt just recorded (the refused
    request must not roll it back), then wait the failure's delay, holding no lock meanwhile."""
    db.session.commit()
    clock.sleep(getattr(exc, "delay", 0.0))
