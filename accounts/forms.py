"""The sign-in form: Django's, saying when an account must sign in through the provider."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


class SignInForm(AuthenticationForm):
    """Username and password; refused, with the way in, to those who use single sign-on."""

    def get_invalid_login_error(self):
        # The password backend marks the request when the password was right but the
        # account signs in through the provider only.
        if getattr(self.request, "sso_required", False):
            return ValidationError(
                "Use the “Sign in with %(provider)s” button: your Scorecard account does "
                "not sign in with a password.",
                code="sso_required",
                params={"provider": settings.OIDC_PROVIDER_NAME},
            )
        return super().get_invalid_login_error()
