"""Verbs on attachments: attach a file to a component's input or to a follow-up action, list them,
fetch one for someone who may see its object, and delete one (its uploader, while the input is open).

Who may attach: the component's focal point while its input can be edited; the component head or the
SPU while the action is followed up. The file is checked by size and by content before anything is
written; the audit trail records each attachment and each deletion.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from cpas_workflow import abilities
from cpas_workflow.core import access, audit, clock
from cpas_workflow.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from cpas_workflow.core.listing import PAGE_SIZE
from cpas_workflow.engine.firing import subject_label
from cpas_workflow.evidence import content, storage
from cpas_workflow.evidence.models import Attachment
from cpas_workflow.extensions import db
from cpas_workflow.recommendations.models import Recommendation
from cpas_workflow.submissions.models import Submission

UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|]+")


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def max_bytes() -> int:
    return current_app.config["CPAS_MAX_ATTACHMENT_MB"] * 1024 * 1024


def check_size(filename: str, size: int) -> None:
    """Refuse a file over CPAS_MAX_ATTACHMENT_MB before its content is looked at."""
    limit = max_bytes()
    if size > limit:
        raise content.refuse(
            filename,
            f"the file is {size / 1048576:.1f} MB; at most {current_app.config['CPAS_MAX_ATTACHMENT_MB']} MB are accepted",
            "too large",
        )


def clean_filename(raw: str | None) -> str:
    """The name as the user knows it, without any folder, control character or character a file
    system or a Content-Disposition header would trip on; at most 200 characters, extension kept."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = UNSAFE_NAME.sub("_", name).strip(" .") or "attachment"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 199 - len(ext)] + dot + ext if dot and len(ext) <= 10 else name[:200]
    return name


def _label(obj) -> str:
    return subject_label(obj) if isinstance(obj, Submission) else f"recommendation:{obj.id}"


def _input_open(user, submission: Submission) -> None:
    """The component's input can still change, and `user` may change it (as `update_submission` asks)."""
    abilities.require(abilities.can_edit_submission(user, submission))


def can_attach(user, obj) -> bool:
    """Whether `user` may attach a file to `obj` now (the pages show the upload form on this)."""
    try:
        check_allowed(user, obj)
    except (Conflict, Forbidden, NotFound, ValidationFailed):
        return False
    return True


def check_allowed(user, obj) -> None:
    """`user` may attach a file to `obj` now: their role, and the input or action still open."""
    if isinstance(obj, Submission):
        access.require(user, "edit_submission", obj)
        _input_open(user, obj)
    else:
        abilities.require(abilities.can_update_recommendation(user, obj))  # owner, heads, spu; in follow-up


def attach(obj: Submission | Recommendation, upload: Upload, actor) -> Attachment:
    """Check who, when, size and content; keep the bytes by their hash; record the attachment."""
    check_allowed(actor, obj)
    filename = clean_filename(upload.filename)
    check_size(filename, len(upload.data))
    content_type = content.sniff(filename, upload.data)
    sha256 = hashlib.sha256(upload.data).hexdigest()
    storage.store().put(sha256, upload.data)  # harmless if the transaction rolls back: same content, same name
    attachment = Attachment(
        cycle_id=obj.cycle_id,
        submission_id=obj.id if isinstance(obj, Submission) else None,
        recommendation_id=obj.id if isinstance(obj, Recommendation) else None,
        filename=filename,
        size=len(upload.data),
        content_type=content_type,
        sha256=sha256,
        uploaded_by_id=actor.id,
        created_at=clock.now(),
    )
    attachment.uploaded_by = actor
    db.session.add(attachment)
    db.session.flush()
    audit.record(
        "attach_file",
        actor=actor,
        subject=_label(obj),
        mission_id=obj.cycle.mission_id,
        cycle_id=obj.cycle_id,
        comment=f"{filename} ({attachment.size:,} bytes, sha256 {sha256[:12]})",
    )
    return attachment


def _owner_filter(obj):
    if isinstance(obj, Submission):
        return Attachment.submission_id == obj.id
    return Attachment.recommendation_id == obj.id


def attachments_of(obj, *, limit: int | None = PAGE_SIZE, offset: int = 0) -> list[Attachment]:
    """The files attached to a (visible, already loaded) submission or recommendation, oldest first."""
    query = (
        select(Attachment)
        .where(_owner_filter(obj))
        .options(joinedload(Attachment.uploaded_by))
        .order_by(Attachment.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def count_of(obj) -> int:
    return db.session.scalar(select(func.count()).where(_owner_filter(obj)))


def attachments_of_cycle(cycle_id: int) -> list[Attachment]:
    """Every file of a cycle (the report lists their names), by object then age."""
    query = (
        select(Attachment)
        .where(Attachment.cycle_id == cycle_id)
        .options(joinedload(Attachment.uploaded_by))
        .order_by(Attachment.submission_id, Attachment.recommendation_id, Attachment.id)
    )
    return list(db.session.scalars(query))


def get_attachment(attachment_id: int, user) -> tuple[Attachment, Submission | Recommendation]:
    """The attachment and its object, if `user` may see the object (else NotFound, as for the object)."""
    from cpas_workflow.recommendations.operations import get_recommendation
    from cpas_workflow.submissions.operations import get_submission

    attachment = db.session.scalars(
        select(Attachment).where(Attachment.id == attachment_id).options(joinedload(Attachment.uploaded_by))
    ).first()
    if attachment is None:
        raise NotFound(_l("not found, or not visible to you"))
    if attachment.submission_id is not None:
        return attachment, get_submission(attachment.submission_id, user)
    return attachment, get_recommendation(attachment.recommendation_id, user)


def read_file(attachment: Attachment) -> bytes:
    return storage.store().read(attachment.sha256)


def can_delete(user, attachment: Attachment, obj) -> bool:
    try:
        _check_delete(user, attachment, obj)
    except (Conflict, Forbidden, NotFound, ValidationFailed):
        return False
    return True


def _check_delete(user, attachment: Attachment, obj) -> None:
    access.ensure_visible(user, obj)
    if attachment.uploaded_by_id != user.id:
        raise Forbidden(_l("only the person who attached a file may remove it"))
    if isinstance(obj, Submission):
        _input_open(user, obj)
    else:
        abilities.require(abilities.is_followed_up(obj))


def delete_attachment(attachment: Attachment, obj, actor) -> None:
    """Remove a file its uploader attached, while the input is still open; the bytes go too unless
    another attachment has the same content. Recorded in the audit trail."""
    _check_delete(actor, attachment, obj)
    sha256, filename = attachment.sha256, attachment.filename
    db.session.delete(attachment)
    db.session.flush()
    audit.record(
        "delete_attachment",
        actor=actor,
        subject=_label(obj),
        mission_id=obj.cycle.mission_id,
        cycle_id=obj.cycle_id,
        comment=f"{filename} (sha256 {sha256[:12]})",
    )
    still_used = db.session.scalar(select(func.count()).where(Attachment.sha256 == sha256))
    if not still_used:
        storage.delete_after_commit(db.session, sha256)
