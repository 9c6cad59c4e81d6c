"""Signing in: the sign-in page, and the way through the council's identity provider
(`/oidc/authenticate/` sends the browser there, `/oidc/callback/` is where it comes back)."""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import admin, auth
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from accounts import sso
from accounts.backends import SsoBackend
from accounts.forms import SignInForm

logger = logging.getLogger(__name__)

SSO_BACKEND = "accounts.backends.SsoBackend"

# What a refused sign-in tells the person, by reason. The provider has said who they are,
# so naming their address tells them nothing new.
REFUSALS = {
    "no_account": (
        "You do not have a Scorecard account",
        "No Scorecard account has your e-mail address{email}. Ask the performance team for "
        "an account: they give each person the role they need.",
    ),
    "inactive": (
        "Your Scorecard account is switched off",
        "The account with your e-mail address{email} is switched off. Ask the performance "
        "team to switch it back on if you still need it.",
    ),
    "duplicate": (
        "Your e-mail address is on more than one account",
        "More than one Scorecard account has your e-mail address{email}, so Scorecard cannot "
        "tell which is yours and has signed you in to none. Ask the performance team to "
        "give each account its own address.",
    ),
    "no_email": (
        "Your council account gave no e-mail address",
        "Scorecard knows people by their e-mail address, and your council account did not "
        "give a verified one. Ask the IT service desk to add your e-mail address to your "
        "council account.",
    ),
    "failed": (
        "Signing in did not finish",
        "The answer from your council account was out of date, had been used already or was "
        "not for this sign-in, so you have not been signed in. Start again.",
    ),
}


class SignInView(auth_views.LoginView):
    """Django's sign-in page, with the button for the provider when single sign-on is on."""

    form_class = SignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = sso.sso_enabled()
        context["sso_provider_name"] = settings.OIDC_PROVIDER_NAME
        context["sso_required_for_staff"] = sso.sso_enabled() and settings.SSO_REQUIRED_FOR_STAFF
        context["sso_url"] = sso_start_url(context.get("next", ""))
        form = context["form"]
        context["password_refused_for_sso"] = form.is_bound and form.has_error(
            NON_FIELD_ERRORS, "sso_required"
        )
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, for those who sign in with a password."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not sso.local_password_allowed(request.user):
            raise PermissionDenied(
                f"You sign in with {settings.OIDC_PROVIDER_NAME}, so Scorecard keeps no "
                "password of yours to change."
            )
        return super().dispatch(request, *args, **kwargs)


def sso_start_url(next_url: str) -> str:
    url = reverse("oidc_authentication_init")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def admin_sign_in(request, extra_context=None):
    """With single sign-on, the admin's sign-in is the app's page, which has its button."""
    if sso.sso_enabled():
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
    return admin.site.login(request, extra_context)


class SsoStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in, remembering state, nonce and PKCE
    verifier in the session (mozilla-django-oidc)."""

    def __init__(self, **kwargs):
        # The endpoint comes from the discovery document, read on each request.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request):
        if not sso.sso_enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            provider = sso.provider()
        except sso.ProviderUnavailable:
            return unavailable(request)
        self.OIDC_OP_AUTH_ENDPOINT = provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


@require_GET
def sso_callback(request):
    """Where the provider sends the browser back: checks the answer is for a sign-in this
    browser began, exchanges the code for tokens and signs in the matched account."""
    if not sso.sso_enabled():
        raise Http404("Single sign-on is not configured.")
    state = request.GET.get("state", "")
    states = request.session.get("oidc_states")
    began = states.pop(state, None) if isinstance(states, dict) and state else None
    if began is not None:
        # Each state is used once, whatever happens next.
        request.session.modified = True
        request.session.save()
    if request.GET.get("error"):
        logger.warning("Single sign-on refused by the provider: %s", request.GET["error"])
        return refused(request, "failed")
    if began is None or not request.GET.get("code"):
        logger.warning("Single sign-on callback for no sign-in begun in this browser")
        return refused(request, "failed")
    try:
        user = SsoBackend().sign_in(
            request, nonce=began.get("nonce"), code_verifier=began.get("code_verifier")
        )
    except sso.SignInRefused as refusal:
        logger.warning("Single sign-on refused (%s) for %s", refusal.reason, refusal.email)
        return refused(request, refusal.reason, email=refusal.email)
    except sso.ProviderUnavailable:
        return unavailable(request)
    except (requests.ConnectionError, requests.Timeout) as error:
        logger.warning("Single sign-on: the provider is unreachable: %s", error)
        return unavailable(request)
    except (SuspiciousOperation, jwt.PyJWTError, requests.RequestException, ValueError) as error:
        logger.warning("Single sign-on answer refused: %s", error)
        return refused(request, "failed")
    # Read before signing in, which starts a new session if someone else was signed in.
    next_url = request.session.pop("oidc_login_next", None)
    auth.login(request, user, backend=SSO_BACKEND)
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


def refused(request, reason: str, *, email: str = ""):
    title, text = REFUSALS[reason]
    status = 400 if reason == "failed" else 403
    context = {
        "title": title,
        "text": text.format(email=f" ({email})" if email else ""),
        "sso_url": sso_start_url(""),
        "reason": reason,
        "sso_provider_name": settings.OIDC_PROVIDER_NAME,
    }
    return render(request, "accounts/sso_refused.html", context, status=status)


def unavailable(request):
    context = {
        "sso_provider_name": settings.OIDC_PROVIDER_NAME,
        "sso_required_for_staff": settings.SSO_REQUIRED_FOR_STAFF,
    }
    return render(request, "accounts/sso_unavailable.html", context, status=503)
