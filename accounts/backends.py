"""How people sign in: a local password (for those `local_password_allowed` lets), or the
council's identity provider through OpenID Connect (mozilla-django-oidc).

Signing in through the provider never creates an account nor changes anyone's roles: the
provider says who someone is (their e-mail address), and Scorecard's own accounts and groups
say what they may do."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts import sso

logger = logging.getLogger(__name__)


class PasswordBackend(ModelBackend):
    """Django's username and password check, refused to anyone who must use single sign-on.

    The refusal is marked on the request (`sso_required`) so that the sign-in form can say
    to use the provider's button instead; it counts as a failed sign-in for throttling."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not sso.local_password_allowed(user):
            if request is not None:
                request.sso_required = True
            return None
        return user

    def get_user(self, user_id):
        # A session begun with a password ends once passwords are switched off for its user.
        user = super().get_user(user_id)
        if user is not None and not sso.local_password_allowed(user):
            return None
        return user


class SsoBackend(OIDCAuthenticationBackend):
    """The OpenID Connect authorization code flow, with the endpoints from the provider's
    discovery document. Only the callback view signs in through it (`sign_in`)."""

    def __init__(self, *args, **kwargs):
        # The endpoints are read when someone signs in, not when the backend is loaded.
        self.UserModel = get_user_model()

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        # Django's own lookup, which refuses an account switched off since it signed in.
        return ModelBackend.get_user(self, user_id)

    def sign_in(self, request, *, nonce: str, code_verifier: str | None):
        """The user the provider's answer on `request` names. Raises SignInRefused (who
        they are is known, but they may not sign in), ProviderUnavailable,
        SuspiciousOperation (an answer that is not for this sign-in) or a requests error."""
        provider = sso.provider()
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        user = super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        if user is None:
            raise SuspiciousOperation("The provider's answer named nobody.")
        return user

    def verify_token(self, token, **kwargs):
        """The library checks the signature, expiry and nonce; the token must also come from
        the configured issuer and be meant for this client."""
        payload = super().verify_token(token, **kwargs)
        if str(payload.get("iss", "")).rstrip("/") != self.provider.issuer.rstrip("/"):
            raise SuspiciousOperation("The ID token is from another issuer.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is meant for another client.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        """The one active account whose e-mail address the provider vouches for."""
        claims = dict(payload)
        if not sso.email_from_claims(claims) and self.OIDC_OP_USER_ENDPOINT:
            info = self.get_userinfo(access_token, id_token, payload)
            # The spec's rule: userinfo about another subject is not to be used.
            if isinstance(info, dict) and info.get("sub") == claims.get("sub"):
                claims.update(info)
        email = sso.email_from_claims(claims)
        if not email:
            raise sso.SignInRefused("no_email")
        users = list(self.UserModel.objects.filter(email__iexact=email).order_by("pk")[:2])
        if not users:
            raise sso.SignInRefused("no_account", email=email)
        if len(users) > 1:
            # Never pick one: whoever is signed in gets that account's roles.
            raise sso.SignInRefused("duplicate", email=email)
        if not users[0].is_active:
            raise sso.SignInRefused("inactive", email=email)
        return users[0]
