"""Verbs on comment threads: post a comment or a reply on a cycle, a submission or a recommendation,
with @mentions; read a page of threads.

An `@name@example.org` in a comment is a mention: the person must be able to see what is discussed
(else the comment is refused, naming them, and nothing is written). Mentioned people and the author of
the comment replied to get a notice in the application, and an e-mail at once if they asked for
immediate e-mail (the others find it in their digest). Every producer is keyed, so nothing is told twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from cpas_workflow.accounts.models import User
from cpas_workflow.accounts.queries import with_roles
from cpas_workflow.comments.models import Comment
from cpas_workflow.core import access, audit, clock
from cpas_workflow.core.errors import Forbidden, ValidationFailed
from cpas_workflow.core.listing import PAGE_SIZE
from cpas_workflow.core.text import clean_text
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from cpas_workflow.recommendations.models import Recommendation
from cpas_workflow.submissions.models import Submission
from notifications import inbox
from notifications.outbox import enqueue, link

MENTION = re.compile(r"(?<![\w.+-])@([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
MAX_MENTIONS = 20


@dataclass(frozen=True)
class Thread:
    """A first comment and its replies, oldest first."""

    first: Comment
    replies: list[Comment]

    @property
    def size(self) -> int:
        return 1 + len(self.replies)


def _column(obj):
    """The comments on `obj` (not those on its children: a cycle's own thread is only the cycle's)."""
    if isinstance(obj, Submission):
        return Comment.submission_id == obj.id
    if isinstance(obj, Recommendation):
        return Comment.recommendation_id == obj.id
    return (Comment.cycle_id == obj.id) & Comment.submission_id.is_(None) & Comment.recommendation_id.is_(None)


def _cycle_of(obj) -> Cycle:
    return obj if isinstance(obj, Cycle) else obj.cycle


def subject_of(obj) -> str:
    """How a notice or an e-mail names what is discussed."""
    cycle = _cycle_of(obj)
    if isinstance(obj, Submission):
        return f"{obj.component.code} input, {cycle.title}"
    if isinstance(obj, Recommendation):
        return f"“{obj.title}”, {cycle.title}"
    return cycle.title


def path_of(obj, comment_id: int | None = None) -> str:
    anchor = f"#comment-{comment_id}" if comment_id else "#comments"
    if isinstance(obj, Submission):
        return f"/submissions/{obj.id}{anchor}"
    if isinstance(obj, Recommendation):
        return f"/recommendations/{obj.id}{anchor}"
    return f"/cycles/{obj.id}/discussion{anchor}"


def can_comment(user, obj) -> bool:
    action = "comment_submission" if isinstance(obj, Submission) else "comment"
    return access.can(user, action, obj)


def _mentioned(body: str, obj, actor) -> list[User]:
    """The people `body` mentions, each able to see `obj`; ValidationFailed naming any who cannot."""
    addresses = list(dict.fromkeys(m.lower() for m in MENTION.findall(body)))
    if not addresses:
        return []
    if len(addresses) > MAX_MENTIONS:
        raise ValidationFailed(
            f"a comment may mention at most {MAX_MENTIONS} people", fields={"body": "too many mentions"}
        )
    users = db.session.scalars(
        select(User).where(func.lower(User.email).in_(addresses), User.is_enabled.is_(True)).options(*with_roles())
    ).unique()
    found = {u.email.lower(): u for u in users}
    unseeing = [a for a in addresses if a not in found or not access.can_view(found[a], obj)]
    if unseeing:
        names = ", ".join(f"@{a}" for a in unseeing)
        raise ValidationFailed(
            f"{names} cannot see this (not a user of this mission): mention only people who can; nothing was posted",
            fields={"body": f"mentions someone who cannot see this: {names}"},
        )
    return [found[a] for a in addresses if found[a].id != actor.id]


def _parent(obj, parent_id: int | None) -> Comment | None:
    if parent_id is None:
        return None
    parent = db.session.scalars(
        select(Comment).where(Comment.id == parent_id, _column(obj)).options(joinedload(Comment.author))
    ).first()
    if parent is None:
        raise ValidationFailed(
            f"comment {parent_id} is not a comment in this thread: a reply names a comment on the same page",
            fields={"parent_id": "not a comment here"},
        )
    return parent


def post_comment(obj, body: str, actor, *, parent_id: int | None = None) -> Comment:
    """A comment (or, with `parent_id`, a reply) on a cycle, submission or recommendation."""
    access.ensure_visible(actor, obj)
    if not can_comment(actor, obj):
        raise Forbidden("you may not comment here (needs: spu, leadership, focal_point or component_head)")
    body = clean_text(body, "body", required=True)
    parent = _parent(obj, parent_id)
    mentioned = _mentioned(body, obj, actor)
    cycle = _cycle_of(obj)
    comment = Comment(
        cycle_id=cycle.id,
        submission_id=obj.id if isinstance(obj, Submission) else None,
        recommendation_id=obj.id if isinstance(obj, Recommendation) else None,
        parent_id=parent.id if parent else None,
        root_id=(parent.root_id or parent.id) if parent else None,
        author_id=actor.id,
        body=body,
        created_at=clock.now(),
    )
    comment.author = actor
    db.session.add(comment)
    db.session.flush()
    audit.record(
        "comment_submission" if isinstance(obj, Submission) else "comment",
        actor=actor,
        subject=_subject_label(obj),
        mission_id=cycle.mission_id,
        cycle_id=cycle.id,
        comment=body,
    )
    _tell(obj, comment, parent, mentioned, actor)
    return comment


def _subject_label(obj) -> str:
    from cpas_workflow.engine.firing import subject_label

    if isinstance(obj, Recommendation):
        return f"recommendation:{obj.id}"
    return subject_label(obj)


def _tell(obj, comment: Comment, parent: Comment | None, mentioned: list[User], actor) -> None:
    """Notices for the mentioned and for the author replied to; e-mail now for `immediate` readers."""
    told: list[tuple[User, str]] = [(u, "mention") for u in mentioned]
    replied_to = parent.author if parent is not None else None
    if replied_to is not None and replied_to.id != actor.id and replied_to.id not in {u.id for u in mentioned}:
        told.append((replied_to, "reply"))
    if not told:
        return
    subject, path = subject_of(obj), path_of(obj, comment.id)
    inbox.add_notices(
        [
            inbox.notice(
                f"{kind}:comment-{comment.id}:user-{user.id}", user.id, kind, path, actor=actor.name, subject=subject
            )
            for user, kind in told
        ]
    )
    for user, kind in told:
        if user.notify == "immediate" and user.is_enabled:
            enqueue(
                f"{kind}:comment-{comment.id}:user-{user.id}",
                kind,
                user,
                "comment",
                subject=(SUBJECTS[kind], {"actor": actor.name, "subject": subject}),
                is_mention=kind == "mention",
                actor=actor,
                what=subject,
                body=comment.body,
                url=link(path),
            )


SUBJECTS = {
    "mention": inbox.KINDS["mention"],
    "reply": inbox.KINDS["reply"],
}


def threads_of(obj, *, limit: int | None = PAGE_SIZE, offset: int = 0) -> list[Thread]:
    """A page of threads (first comments, oldest first) with all their replies: two statements."""
    query = (
        select(Comment)
        .where(_column(obj), Comment.root_id.is_(None))
        .options(joinedload(Comment.author))
        .order_by(Comment.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    firsts = list(db.session.scalars(query))
    return threaded(firsts, _replies([c.id for c in firsts]))


def _replies(root_ids: list[int]) -> list[Comment]:
    if not root_ids:
        return []
    query = select(Comment).where(Comment.root_id.in_(root_ids)).options(joinedload(Comment.author))
    return list(db.session.scalars(query.order_by(Comment.id)))


def threaded(comments: list[Comment], replies: list[Comment] | None = None) -> list[Thread]:
    """Comments (firsts and replies mixed, as a loaded `submission.comments`) grouped into threads."""
    everything = comments + (replies or [])
    by_root: dict[int, list[Comment]] = {}
    for c in everything:
        if c.root_id is not None:
            by_root.setdefault(c.root_id, []).append(c)
    return [Thread(c, sorted(by_root.get(c.id, []), key=lambda r: r.id)) for c in comments if c.root_id is None]


def count_threads(obj) -> int:
    return db.session.scalar(select(func.count()).where(_column(obj), Comment.root_id.is_(None)))


def comments_of(obj, *, limit: int = PAGE_SIZE, offset: int = 0) -> list[Comment]:
    """The comments on `obj` as one list, oldest first (the API's answer), a page of them."""
    query = (
        select(Comment)
        .where(_column(obj))
        .options(joinedload(Comment.author))
        .order_by(Comment.id)
        .limit(limit)
        .offset(offset)
    )
    return list(db.session.scalars(query))
