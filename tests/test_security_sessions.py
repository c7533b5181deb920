"""Server-side sessions (issue 11): sign-out, a password change, an admin disabling a user and "sign
out everywhere" end sessions at once, even in a copied cookie; idle and absolute time-outs on the
injected clock; a new session key on every sign-in; cookie flags."""

from sqlalchemy import select

from cpas_workflow.accounts.models import UserSession
from cpas_workflow.accounts.sessions import digest
from cpas_workflow.extensions import db
from tests.conftest import PASSWORD, csrf_token
from tests.web_helpers import flashes, post, signed_in

SPU = "spu@demo.example"
FP = "civ.fp@demo.example"


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie (what a thief would do)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def is_signed_in(client) -> bool:
    return client.get("/profile").status_code == 200


def token_of(client, email=FP) -> str:
    return client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD}).get_json()["token"]


def api_works(client, token: str) -> bool:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(app, demo):
    owner = signed_in(app, FP)
    thief = copy_of(app, owner)
    assert is_signed_in(thief)
    post(owner, "/sign-out", {})
    assert not is_signed_in(owner) and not is_signed_in(thief)


def test_a_password_change_ends_every_other_session_and_token_but_keeps_this_browser(app, demo):
    here, elsewhere = signed_in(app, FP), signed_in(app, FP)
    stolen = copy_of(app, here)
    token = token_of(here)
    form = {"current_password": PASSWORD, "new_password": "a-new-password", "confirm": "a-new-password"}
    post(here, "/profile/password", form)
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere) and not is_signed_in(stolen) and not api_works(here, token)


def test_an_admin_disabling_a_user_ends_their_sessions_and_tokens_for_good(app, demo):
    from cpas_workflow.accounts.operations import find_user

    person = signed_in(app, FP)
    token = token_of(person)
    admin = signed_in(app, "admin@demo.example")
    with app.app_context():
        user_id = find_user(FP).id
    post(admin, f"/admin/users/{user_id}/status", {}, csrf=csrf_token(admin, f"/admin/users/{user_id}"))
    assert not is_signed_in(person) and not api_works(person, token)
    post(
        admin, f"/admin/users/{user_id}/status", {"is_enabled": "y"}, csrf=csrf_token(admin, f"/admin/users/{user_id}")
    )
    assert not is_signed_in(person) and not api_works(person, token)  # enabling again revives nothing


def test_sign_out_everywhere_on_the_profile_ends_every_session_and_token(app, demo):
    here, elsewhere = signed_in(app, FP), signed_in(app, FP)
    token = token_of(here)
    html = post(here, "/profile/sign-out-everywhere", {}, csrf=csrf_token(here, "/profile"))
    assert html is not None
    assert not is_signed_in(here) and not is_signed_in(elsewhere) and not api_works(here, token)


def test_a_session_ends_after_thirty_idle_minutes(app, demo, frozen_clock):
    client = signed_in(app, FP)
    for _ in range(3):
        frozen_clock.advance(minutes=29)
        assert is_signed_in(client)  # each request keeps it alive
    frozen_clock.advance(minutes=30)
    response = client.get("/profile")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert "Your session has ended. Please sign in again." in flashes(client.get("/sign-in").get_data(as_text=True))


def test_a_session_ends_twelve_hours_after_signing_in_however_busy(app, demo, frozen_clock):
    client = signed_in(app, FP)
    for _ in range(24):
        frozen_clock.advance(minutes=29)
        assert is_signed_in(client)  # 11 h 36 min
    frozen_clock.advance(minutes=24)
    assert not is_signed_in(client)


def test_the_time_outs_are_configurable(app, demo, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "CPAS_SESSION_IDLE_MINUTES", 5)
    client = signed_in(app, FP)
    frozen_clock.advance(minutes=4)
    assert is_signed_in(client)
    frozen_clock.advance(minutes=5)
    assert not is_signed_in(client)


def test_signing_in_makes_a_new_session_key_and_stores_only_its_hash(app, demo):
    client = app.test_client()
    with client.session_transaction() as session:
        session["sid"] = "chosen-by-an-attacker"
    token = csrf_token(client, "/sign-in")
    client.post("/sign-in", data={"email": FP, "password": PASSWORD, "csrf_token": token})
    with client.session_transaction() as session:
        key = session["sid"]
    assert key != "chosen-by-an-attacker" and len(key) >= 40
    with app.app_context():
        stored = list(db.session.scalars(select(UserSession.key_hash)))
    assert stored == [digest(key)] and key not in stored


def test_the_session_cookie_is_httponly_and_samesite_lax(app, demo):
    client = app.test_client()
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": FP, "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_profile_lists_where_you_are_signed_in(app, demo):
    client = signed_in(app, FP)
    signed_in(app, FP)
    html = client.get("/profile").get_data(as_text=True)
    assert html.count("<td>127.0.0.1</td>") == 2 and "(this browser)" in html


def test_timed_out_sessions_are_cleared_away_at_the_next_sign_in(app, demo, frozen_clock):
    signed_in(app, FP)
    signed_in(app, FP)
    frozen_clock.advance(minutes=31)
    signed_in(app, FP)
    with app.app_context():
        assert len(list(db.session.scalars(select(UserSession.id)))) == 1
