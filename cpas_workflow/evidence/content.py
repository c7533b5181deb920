"""What a file is, told by its bytes (never by its name): PDF, Office (OOXML and the older binary
formats), CSV and plain text, PNG, JPEG, GIF and WebP images are accepted; anything else is refused
with the reason, in words a user can act on.

The name only chooses between kinds the bytes cannot tell apart: CSV or plain text, and which of
Word, Excel or PowerPoint an old binary Office file is.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from cpas_workflow.core.errors import ValidationFailed

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
OOXML = {  # the part that makes a zip a Word, Excel or PowerPoint file
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OLD_OFFICE = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
# Every type a file is served as (the API document lists them).
SERVED = (
    "application/pdf",
    *(kind for _, kind in IMAGES[:3]),
    "image/webp",
    *OOXML.values(),
    *OLD_OFFICE.values(),
    "application/vnd.ms-office",
    "text/csv",
    "text/plain",
)
# What people send by mistake, named so the refusal says what the file really is.
KNOWN_OTHERS = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"#!", "a script"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
)
MARKUP = ("<!doctype", "<html", "<head", "<body", "<script", "<svg", "<?xml", "<iframe", "<object", "<meta")
ALLOWED = "PDF, Word, Excel, PowerPoint, CSV, plain text, PNG, JPEG, GIF or WebP"


def refuse(filename: str, problem: str, field: str = "not an allowed type") -> ValidationFailed:
    return ValidationFailed(f"{filename}: {problem}", fields={"file": field})


def sniff(filename: str, data: bytes) -> str:
    """The content type of `data`, or ValidationFailed saying why the file is refused."""
    if not data:
        raise refuse(filename, "the file is empty", "empty")
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    for magic, kind in IMAGES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"PK\x03\x04"):
        return _office_zip(filename, data)
    if data.startswith(OLE2):
        return OLD_OFFICE.get(PurePosixPath(filename.lower()).suffix, "application/vnd.ms-office")
    for magic, what in KNOWN_OTHERS:
        if data.startswith(magic):
            raise refuse(filename, f"its content is {what}, which is not accepted (accepted: {ALLOWED})")
    return _text(filename, data)


def _office_zip(filename: str, data: bytes) -> str:
    """A zip is accepted only as a Word, Excel or PowerPoint document, and not one carrying macros.
    Only the zip's directory is read: nothing is unpacked."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except Exception:  # a damaged zip raises many kinds; each means the same to the user
        raise refuse(filename, "it looks like an Office document or zip archive but cannot be read") from None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise refuse(filename, "it is an Office document with macros, which are not accepted", "macros")
    if "[Content_Types].xml" in names:
        for part, kind in OOXML.items():
            if part in names:
                return kind
    raise refuse(filename, f"its content is a zip archive, which is not accepted (accepted: {ALLOWED})")


def _text(filename: str, data: bytes) -> str:
    """Text in UTF-8 (or Windows-1252, as older spreadsheets export CSV), without markup a browser
    would run."""
    if b"\x00" in data:
        raise refuse(filename, f"its content is not text nor any accepted kind (accepted: {ALLOWED})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise refuse(filename, f"its content is not text nor any accepted kind (accepted: {ALLOWED})") from None
    if any(ord(c) < 32 and c not in "\t\r\n\f" for c in text[:65536]):
        raise refuse(filename, f"its content is not text nor any accepted kind (accepted: {ALLOWED})")
    head = text.lstrip()[:1024].lower()
    if head.startswith(MARKUP) or "<script" in text.lower():
        raise refuse(
            filename, "its content is HTML or XML markup, which is not accepted (a browser could run it)", "markup"
        )
    return "text/csv" if filename.lower().endswith(".csv") else "text/plain"
