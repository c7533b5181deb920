"""Gzip for responses worth compressing: text-like types, bodies of a useful size, not yet encoded.

Field networks are slow and metered; pages, CSV exports and the stylesheet shrink to a fifth. Images,
PDFs and spreadsheets are compressed formats already, and a body under `MIN_SIZE` gains less than the
gzip header costs. Streamed bodies (an iterator of unknown length) are left alone: compressing them
would mean reading them whole first.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

MIN_SIZE = 500
MAX_FILE_SIZE = 2 * 1024 * 1024
LEVEL = 6  # zlib's default: nearly the best ratio for a fraction of level 9's time
COMPRESSIBLE = {
    "application/javascript",
    "application/json",
    "application/xml",
    "application/problem+json",
    "image/svg+xml",
    "text/calendar",
    "text/css",
    "text/csv",
    "text/html",
    "text/javascript",
    "text/plain",
    "text/xml",
}


def is_compressible(mimetype: str | None) -> bool:
    return bool(mimetype) and (mimetype in COMPRESSIBLE or mimetype.endswith(("+json", "+xml")))


def accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def compress_response(response: Response) -> Response:
    """Gzip `response` in place when the client takes gzip and the body is worth it."""
    if response.status_code == 304:  # revalidated: say what the full answer would vary on
        response.vary.add("Accept-Encoding")
        return response
    if not is_compressible(response.mimetype) or response.status_code in (204, 206) or response.status_code < 200:
        return response
    response.vary.add("Accept-Encoding")  # a cache must key on it, whatever this client gets
    if "Content-Encoding" in response.headers or request.method == "HEAD" or not accepts_gzip():
        return response
    if response.direct_passthrough:  # a file: read only if small (the app's assets are)
        if response.content_length is None or response.content_length > MAX_FILE_SIZE:
            return response
        body = _read_file(response)
    elif response.is_streamed:
        return response
    else:
        body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, is_weak = response.get_etag()
    if etag and not is_weak:  # the encoded bytes differ from the identity ones the strong tag names
        response.set_etag(etag, weak=True)
    return response


def _read_file(response: Response) -> bytes:
    wrapper = response.response
    try:
        body = b"".join(wrapper)
    finally:
        if hasattr(wrapper, "close"):
            wrapper.close()
    response.direct_passthrough = False
    response.set_data(body)
    return body


def init_compression(app: Flask) -> None:
    # Registered first, so it runs after every other after_request function (Flask runs them in reverse).
    app.after_request_funcs.setdefault(None, []).insert(0, compress_response)
