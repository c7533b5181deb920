"""Sign in and out, and the profile page: name, notifications, language, password."""

import re

from tests.conftest import PASSWORD, csrf_token
from tests.web_helpers import flashes, page, post, signed_in, text


def test_a_wrong_password_is_refused_next_to_the_field_and_the_email_is_kept(client, demo):
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": "spu@demo.example", "password": "nope", "csrf_token": token})
    assert response.status_code == 422
    html = text(response)
    assert "E-mail or password is wrong." in html and 'value="spu@demo.example"' in html


def test_signing_in_without_the_csrf_token_is_refused(client, demo):
    response = client.post("/sign-in", data={"email": "spu@demo.example", "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in text(response)


def test_pages_ask_anonymous_visitors_to_sign_in(client, demo):
    response = client.get("/missions/DEMO")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_signing_in_and_out_says_what_happened(app, demo):
    client = signed_in(app, "spu@demo.example")
    assert "Signed in as Sam Planner." in flashes(page(client, "/"))[0]
    html = post(client, "/sign-out", {}, status=302)
    assert client.get("/", follow_redirects=False).status_code == 302
    assert html is not None


def test_the_profile_saves_name_notifications_and_language(app, demo):
    client = signed_in(app, "civ.fp@demo.example")
    assert 'value="Cleo Civil"' in page(client, "/profile")
    post(client, "/profile", {"name": "Cléo Civil", "notify": "weekly", "language": "fr"})
    html = page(client, "/profile")
    assert "Votre profil est enregistré." in html and 'value="Cléo Civil"' in html
    assert '<option selected value="weekly">' in html or 'value="weekly" selected' in html


def test_the_language_menu_names_each_language_in_its_own_tongue(app, demo):
    client = signed_in(app, "civ.fp@demo.example")
    for language in ("en", "fr"):
        post(client, "/profile", {"name": "Cleo Civil", "notify": "immediate", "language": language})
        menu = re.search(r'<select[^>]*name="language".*?</select>', page(client, "/profile"), re.S).group(0)
        assert re.findall(r"<option[^>]*>([^<]+)</option>", menu) == ["English", "Français"], language


def test_a_profile_with_an_empty_name_or_unknown_choice_is_refused_and_nothing_is_written(app, demo):
    client = signed_in(app, "civ.fp@demo.example")
    html = post(client, "/profile", {"name": "", "notify": "hourly", "language": "en"}, status=422)
    assert html.count('class="error"') >= 2
    assert 'value="Cleo Civil"' in page(client, "/profile") and "Not a valid choice" in html


def test_changing_the_password_checks_the_current_one_and_the_confirmation(app, demo):
    client = signed_in(app, "civ.fp@demo.example")
    html = post(
        client,
        "/profile/password",
        {"current_password": "wrong-one", "new_password": "a-new-password", "confirm": "a-new-password"},
        status=422,
    )
    assert "the current password is wrong" in html
    html = post(
        client,
        "/profile/password",
        {"current_password": PASSWORD, "new_password": "a-new-password", "confirm": "different"},
        status=422,
    )
    assert "The two new passwords differ." in html
    html = post(
        client,
        "/profile/password",
        {"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
        status=422,
    )
    assert "between 8 and 1000 characters" in html
    post(
        client,
        "/profile/password",
        {"current_password": PASSWORD, "new_password": "a-new-password", "confirm": "a-new-password"},
    )
    fresh = app.test_client()
    token = csrf_token(fresh, "/sign-in")
    response = fresh.post(
        "/sign-in", data={"email": "civ.fp@demo.example", "password": "a-new-password", "csrf_token": token}
    )
    assert response.status_code == 302
