"""The notification centre: what is news for one person inside the application — a task opened for
them, a mention, a reply to their comment, their input returned or decided on — unread until they
mark it read.

Like the outbox, a producer inserts with a key naming what the notice is about
(`mention:comment-12:user-5`) and `ON CONFLICT DO NOTHING`: a rerun or a second process adds nothing.
A notice keeps its words' parameters, not its sentence: the sentence is made in the reader's language
when it is read.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

from flask_babel import gettext
from sqlalchemy import JSON, ForeignKey, Index, String, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from cpas_workflow.core import clock
from cpas_workflow.core.db import CreatedAtMixin, UTCDateTime, run
from cpas_workflow.core.text import N_
from cpas_workflow.extensions import db

KINDS = {
    "task_opened": N_("New task for you: %(subject)s"),
    "mention": N_("%(actor)s mentioned you in a comment on %(subject)s"),
    "reply": N_("%(actor)s replied to your comment on %(subject)s"),
    "returned": N_("%(actor)s returned %(subject)s to you"),
    "decision": N_("%(actor)s decided on %(subject)s: %(detail)s"),
}


class Notification(CreatedAtMixin, db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict] = mapped_column(JSON)  # actor, subject, detail: the words of its sentence
    url: Mapped[str] = mapped_column(String(300))
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def text(self) -> str:
        """The sentence in the language in force (the reader's)."""
        from cpas_workflow.tasks.titles import cycle_title, task_title

        params = dict(self.params or {})
        params.setdefault("actor", "")
        params.setdefault("detail", "")
        if self.kind == "task_opened":
            params["subject"] = task_title(params.get("subject", ""))
        elif params.get("input_of"):  # a component's input: "contribution de CIV, DEMO 2026-Q4 évaluation …"
            code, cycle = params["input_of"]
            params["subject"] = f"{gettext('%(component)s input', component=code)}, {cycle_title(cycle)}"
        if params.get("detail_label"):
            from cpas_workflow.pages import label

            params["detail"] = label(*params["detail_label"])
        return gettext(KINDS[self.kind], **{k: v for k, v in params.items() if isinstance(v, str)})


def notice(key: str, user_id: int, kind: str, url: str, **params: Any) -> dict:
    return {
        "key": key[:200],
        "user_id": user_id,
        "kind": kind,
        "params": params,
        "url": url[:300],
        "created_at": clock.now(),
        "read_at": None,
    }


def add_notices(rows: Sequence[dict]) -> int:
    """Insert notices in one statement; keys already there are left as they are."""
    if not rows:
        return 0
    return run(_insert(db.session.get_bind().dialect.name), list(rows)).rowcount


@functools.cache
def _insert(dialect: str):
    """Built once per dialect (a transition adds notices), run with the rows."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(Notification.__table__).on_conflict_do_nothing(index_elements=["key"])


def unread_of(user_entity):
    """The number of unread notices of each row of `user_entity`, as a column (the page header's
    count comes with the signed-in user, in the same statement)."""
    return (
        select(func.count())
        .where(Notification.user_id == user_entity.id, Notification.read_at.is_(None))
        .correlate(user_entity)
        .scalar_subquery()
    )


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def notices_of(user, *, limit: int, offset: int = 0, unread_only: bool = False) -> list[Notification]:
    """The user's notices, newest first, a page of them."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit).offset(offset)))


def notice_of(user, notice_id: int) -> Notification | None:
    """One of `user`'s notices (someone else's id finds nothing)."""
    if not 0 < notice_id < 2**31:
        return None
    return db.session.scalar(select(Notification).where(Notification.id == notice_id, Notification.user_id == user.id))


def mark_read(user, ids: Sequence[int] | None = None) -> int:
    """Mark some (or, with None, all) of the user's unread notices read; others' ids are ignored."""
    statement = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        statement = statement.where(Notification.id.in_(set(ids)))
    return db.session.execute(statement.values(read_at=clock.now())).rowcount
