"""Links in and around e-mail: unsubscribing without signing in, the settings page, the calendar feed."""

from __future__ import annotations

from icalendar import Calendar

from cpas_workflow.accounts.operations import find_user
from notifications.outbox import unsubscribe_token
from tests.conftest import csrf_token, sign_in
from tests.cycle_helpers import SPU, fire, fp, ok, start_cycle


def token_for(app, email: str) -> str:
    with app.app_context():
        return unsubscribe_token(find_user(email))


def notify_of(api, email: str) -> str:
    return api(email).get("/api/v1/me/preferences").get_json()["notify"]


def test_an_unsubscribe_link_asks_first_and_a_post_switches_mail_off(app, api, client):
    token = token_for(app, fp("CIV"))
    page = client.get(f"/unsubscribe/{token}")  # what a link scanner does: changes nothing
    assert page.status_code == 200 and fp("CIV") in page.get_data(as_text=True)
    assert notify_of(api, fp("CIV")) == "daily"
    done = client.post(f"/unsubscribe/{token}")  # the button, or a mail client's one-click POST
    assert done.status_code == 200 and "no more e-mail" in done.get_data(as_text=True)
    assert notify_of(api, fp("CIV")) == "off"


def test_a_forged_unsubscribe_link_changes_nothing(app, api, client):
    token = token_for(app, fp("CIV"))
    response = client.post(f"/unsubscribe/{token[:-2]}xx")
    assert response.status_code == 404 and "not valid" in response.get_data(as_text=True)
    assert notify_of(api, fp("CIV")) == "daily"


def test_the_settings_page_changes_the_preference(app, api, client):
    sign_in(client, SPU)
    token = csrf_token(client, "/me/notifications")
    assert client.post("/me/notifications", data={"notify": "weekly", "csrf_token": token}).status_code == 302
    assert notify_of(api, SPU) == "weekly"
    bad = client.post("/me/notifications", data={"notify": "hourly", "csrf_token": token})
    assert bad.status_code == 422 and notify_of(api, SPU) == "weekly"


def test_the_calendar_feed_lists_open_deadlines_as_all_day_events_and_can_be_revoked(app, api, client):
    ok(fire(api, SPU, start_cycle(api, input_due="2026-10-15")["id"], "open_input"))
    assert api(fp("CIV")).get("/api/v1/me/calendar").get_json() == {"url": None, "active": False}
    url = ok(api(fp("CIV")).post("/api/v1/me/calendar"), 201)["url"]
    # shown once: afterwards only the fact that there is one (the secret is stored hashed)
    assert api(fp("CIV")).get("/api/v1/me/calendar").get_json() == {"url": None, "active": True}
    path = url.removeprefix("http://cpas.test")  # CPAS_BASE_URL
    feed = client.get(path)  # no sign-in: the secret address is the key
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    [event] = Calendar.from_ical(feed.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "[DEMO] Submit Civilian component input for 2026-Q4"
    assert event.decoded("DTSTART").isoformat() == "2026-10-15"
    assert event.decoded("DTEND").isoformat() == "2026-10-16"
    new_url = ok(api(fp("CIV")).post("/api/v1/me/calendar"), 201)["url"]
    assert new_url != url and client.get(path).status_code == 404
    civ = api(fp("CIV"))
    assert civ.client.delete("/api/v1/me/calendar", headers=civ.headers).status_code == 204
    assert client.get(new_url.removeprefix("http://cpas.test")).status_code == 404
