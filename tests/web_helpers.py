"""Driving the web pages in tests as a browser would: sign in, read a form's CSRF token, post."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD, csrf_token


def signed_in(app, email: str):
    """A fresh test client signed in as `email` (each person has their own cookies)."""
    client = app.test_client()
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def token(client, url: str = "/profile") -> str:
    return csrf_token(client, url)


def text(response) -> str:
    return response.get_data(as_text=True)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, text(response)[:2000])
    return text(response)


def post(client, url: str, data: dict, *, status: int = 302, csrf: str | None = "auto", prefix: str = "") -> str:
    body = dict(data)
    if csrf == "auto":
        body[f"{prefix}csrf_token"] = token(client)
    elif csrf is not None:
        body[f"{prefix}csrf_token"] = csrf
    response = client.post(url, data=body)
    assert response.status_code == status, (url, response.status_code, text(response)[:3000])
    return text(response)


def post_then_get(client, url: str, data: dict, **kwargs) -> str:
    """Post a form as a browser does: the answer is a redirect (post/redirect/get); the page it
    leads to is returned (a refused form shows what was typed and every error there)."""
    response = client.post(url, data={"csrf_token": token(client), **data}, **kwargs)
    assert response.status_code in (302, 303), (url, response.status_code, text(response)[:3000])
    return page(client, response.headers["Location"])


def flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', html, re.S)
