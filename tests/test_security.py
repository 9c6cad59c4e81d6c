"""Signing in and staying signed in: login throttling, passwords, sessions, and the
Content-Security-Policy's companions (plotly's stylesheet kept in step with plotly.js)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from reporting import plotly_css
from tests.test_spc_page import words

PASSWORD = "correct-horse-battery"  # the personas' password (tests/conftest.py)


def _sign_in(client, username, password, **headers):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, headers=headers
    )


# --- login throttling ------------------------------------------------------------------


def test_five_wrong_passwords_pause_that_username_from_that_address(martin, clara):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in(client, "martin", "guess")
        assert response.status_code == 200 and "didn't match" in response.text
    locked = _sign_in(client, "martin", "guess")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.text and "15 minutes" in locked.text
    # Now even the right password is refused from there, and no session is started.
    assert _sign_in(client, "martin", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # The same person elsewhere, and someone else here, are not locked out.
    assert _sign_in(Client(REMOTE_ADDR="198.51.100.2"), "martin", PASSWORD).status_code == 302
    assert _sign_in(client, "clara", PASSWORD).status_code == 302


def test_the_pause_ends_after_the_cool_off_and_success_clears_the_count(martin):
    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "martin", "guess")
    assert _sign_in(client, "martin", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert _sign_in(client, "martin", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="martin").exists()
    # A fresh count: four more mistakes do not lock.
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "martin", "guess").status_code == 200


def test_the_admin_sign_in_is_throttled_too(priya):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "priya", "password": "guess"})
    response = client.post("/admin/login/", {"username": "priya", "password": PASSWORD})
    assert response.status_code == 429


def test_behind_the_proxy_the_client_is_the_address_the_proxy_saw(martin, settings):
    from operations.security import client_ip

    settings.TRUSTED_PROXIES = 1
    # Every request comes from the proxy; the left of X-Forwarded-For is the client's word.
    client = Client(REMOTE_ADDR="10.0.0.5")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        forged = f"192.0.2.{attempt}, 203.0.113.20"
        _sign_in(client, "martin", "guess", x_forwarded_for=forged)
    blocked = _sign_in(client, "martin", PASSWORD, x_forwarded_for="192.0.2.99, 203.0.113.20")
    assert blocked.status_code == 429
    other = _sign_in(client, "martin", PASSWORD, x_forwarded_for="203.0.113.21")
    assert other.status_code == 302

    class Request:
        META = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 2.2.2.2, 3.3.3.3"}

    assert client_ip(Request) == "3.3.3.3"
    settings.TRUSTED_PROXIES = 2
    assert client_ip(Request) == "2.2.2.2"
    settings.TRUSTED_PROXIES = 0
    assert client_ip(Request) == "10.0.0.5"


# --- passwords and sessions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-one", "too short"),
        ("password1234", "too common"),
        ("583920174652", "entirely numeric"),
        ("Christopherson1", "too similar to the last name"),
    ],
)
def test_a_weak_new_password_is_refused_naming_why(client, martin, password, message):
    martin.last_name = "Christopherson"
    martin.save()
    client.force_login(martin)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.text and "There is a problem" in response.text
    martin.refresh_from_db()
    assert martin.check_password(PASSWORD)


def test_changing_the_password_signs_out_every_other_session(martin):
    laptop, tablet = Client(), Client()
    assert _sign_in(laptop, "martin", PASSWORD).status_code == 302
    assert _sign_in(tablet, "martin", PASSWORD).status_code == 302
    assert tablet.get("/risks/").status_code == 200
    new = "a-Longer-passphrase-2026"
    changed = laptop.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert changed.status_code == 302 and changed["Location"] == "/accounts/password/changed/"
    assert laptop.get("/risks/").status_code == 200  # the session that changed it goes on
    gone = tablet.get("/risks/")
    assert gone.status_code == 302 and "/accounts/login/" in gone["Location"]
    assert _sign_in(Client(), "martin", new).status_code == 302


def test_the_wrong_current_password_changes_nothing(client, martin):
    client.force_login(martin)
    response = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": "x-Long-enough-1", "new_password2": "x"},
    )
    assert "Your old password was entered incorrectly" in response.text
    martin.refresh_from_db()
    assert martin.check_password(PASSWORD)


def test_session_and_csrf_cookies_are_http_only_and_secure_in_production():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    # Tests run without DEBUG: the production default, secure cookies.
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.django_db
def test_the_session_cookie_is_sent_secure_and_http_only(client, martin):
    response = _sign_in(client, "martin", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"


# --- the Content-Security-Policy -------------------------------------------------------


@pytest.mark.django_db
def test_every_response_carries_the_policy(client):
    policy = client.get("/scorecard/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in policy


def test_plotly_stylesheet_matches_the_installed_plotly_js():
    source = plotly_css.PLOTLY_JS.read_text(encoding="utf-8")
    assert plotly_css.STYLESHEET.read_text(encoding="utf-8") == plotly_css.stylesheet(source), (
        "plotly.js changed: run python -m reporting.plotly_css"
    )
    rules = plotly_css.rules(source)
    assert rules["X .main-svg"] == "position:absolute;top:0;left:0;pointer-events:none;"
    assert len(rules) > 40


def test_the_indicator_page_holds_back_plotly_s_inline_stylesheets():
    source = plotly_css.PLOTLY_JS.read_text(encoding="utf-8")
    template = (settings.BASE_DIR / "templates/indicators/indicator_detail.html").read_text()
    assert f'id="{plotly_css.map_styles_id(source)}"' in template
    assert re.search(r'<link id="plotly.js-style-global" class="no-inline-styles"', template)


# --- what the PDF renderer may reach ----------------------------------------------------


def test_pdfs_load_nothing_from_outside_and_links_lead_to_the_service(settings, tmp_path):
    from io import BytesIO

    from pypdf import PdfReader

    from scorecard.pdf import html_for_pdf, site_url

    secret = tmp_path / "secret.svg"  # a real image: only the fetcher keeps it out
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    settings.SITE_URL = "https://scorecard.example.gov.uk"
    html = (
        '<p><a href="/scorecard/">the scorecard</a></p>'
        f'<img src="{secret.as_uri()}" alt="a file on the server">'
        '<img src="http://127.0.0.1:9/internal.png" alt="an internal address">'
        '<img alt="inline" src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22'
        ' width=%2210%22 height=%2210%22/>">'
    )
    document = html_for_pdf(html).render()
    reader = PdfReader(BytesIO(document.write_pdf()))
    links = [
        annotation.get_object()["/A"]["/URI"] for annotation in reader.pages[0].get("/Annots", [])
    ]
    assert links == ["https://scorecard.example.gov.uk/scorecard/"]
    # Only the inline image was drawn: neither the server's file nor the internal address.
    images = [box for page in document.pages for box in _boxes(page._page_box)]
    assert [box.element.get("alt") for box in images] == ["inline"]
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["scorecard.council.gov.uk"]
    assert site_url() == "https://scorecard.council.gov.uk/"


def _boxes(box):
    """Every image the layout drew."""
    from weasyprint.formatting_structure.boxes import ReplacedBox

    if isinstance(box, ReplacedBox):
        yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def test_a_refusal_and_a_missing_page_say_why_and_link_back(client, martin):
    """Not a bare "403 Forbidden": the page is in the service's layout, gives the reason
    and links on."""
    client.force_login(martin)
    refused = client.get("/returns/")
    assert refused.status_code == 403
    text = refused.content.decode()
    assert '<h1 class="govuk-heading-l">You cannot do that</h1>' in text
    assert "signed in as" in text and 'href="/scorecard/"' in text
    client.logout()
    missing = client.get("/meetings/999999/")
    assert missing.status_code == 404
    text = missing.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in text
    assert 'href="/accounts/login/?next=/meetings/999999/"' in text
    assert 'href="/scorecard/"' in text


def test_an_expired_form_gets_a_page_that_says_what_happened(db, priya):
    client = Client(enforce_csrf_checks=True)
    client.force_login(priya)
    response = client.post("/indicators/SW06/process-changes/", {"reason": "x"})
    assert response.status_code == 403
    page = words(response.text)
    assert "This form has expired" in page and "Nothing was saved." in page
    assert "Go to your start page" in page
