"""What a person typed into a refused form, kept on the server across the redirect that follows.

Every form answers a POST with a redirect (post/redirect/get), so a reload never sends it again. When
the form is refused, what was typed and the errors are kept here, one row per person and form
(`key`, such as "submission:12"), and the page shows them again after the redirect. Text is kept on
the server, not in the cookie: a narrative is far larger than the 4 KB a cookie may hold. A row is
replaced by the next refusal of the same form, dropped by its next success, and rows older than a
day are cleared away whenever another is kept.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from cpas_workflow.core import clock
from cpas_workflow.core.db import UTCDateTime
from cpas_workflow.extensions import db

KEPT_FOR = dt.timedelta(days=1)


class FormStash(db.Model):
    __tablename__ = "form_stashes"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


def keep(user, key: str, data: dict) -> None:
    """Keep `data` (JSON-able: the typed fields, the errors) for `user`'s next view of the form `key`."""
    now = clock.now()
    db.session.execute(
        delete(FormStash).where(
            (FormStash.created_at < now - KEPT_FOR) | ((FormStash.user_id == user.id) & (FormStash.key == key))
        )
    )
    db.session.add(FormStash(user_id=user.id, key=key, data=json.dumps(data), created_at=now))
    db.session.flush()


def kept(user, key: str) -> dict | None:
    """What `user` typed into the form `key` when it was last refused (None: nothing kept)."""
    row = db.session.scalar(
        select(FormStash.data).where(
            FormStash.user_id == user.id, FormStash.key == key, FormStash.created_at >= clock.now() - KEPT_FOR
        )
    )
    return None if row is None else json.loads(row)


def drop(user, key: str) -> None:
    """The form `key` was accepted: what was kept from an earlier refusal is no longer needed."""
    db.session.execute(delete(FormStash).where(FormStash.user_id == user.id, FormStash.key == key))


def errors_of(form) -> dict[str, list[str]]:
    """A refused form's errors as they are kept: {field name: messages}, "" for the whole form's."""
    errors = {
        name: [str(m) for m in field.errors]
        for name, field in form._fields.items()
        if field.errors and not name.endswith("csrf_token")
    }
    whole = [str(m) for m in form.form_errors]
    if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
        whole += [str(m) for m in form.csrf_token.errors]
    if whole:
        errors[""] = whole
    return errors


def refill(form_class, typed: dict, errors: dict[str, list[str]], **kwargs):
    """The form as it was refused: what was typed in it, each error beside its field (or the form's)."""
    from werkzeug.datastructures import MultiDict

    form = form_class(formdata=MultiDict(typed), meta={"csrf": False}, **kwargs)
    for name, messages in errors.items():
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(messages)
        else:
            form.form_errors.extend(messages)
    return form
