from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.sso import local_password_allowed
from notifications.services import notify


class ResetRequestForm(PasswordResetForm):
    """Asks for the e-mail address of an account; the link goes out as the `password_reset`
    notice, through the task worker and recorded like every other e-mail."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "class": "govuk-input"}
        ),
    )

    def save(self, **kwargs) -> int:
        """Queue a link to each active account with this address and a password; returns
        how many (never shown: the page says the same whether or not the address has one)."""
        sent = 0
        for user in self.get_users(self.cleaned_data["email"]):
            if not local_password_allowed(user):
                continue  # signs in through the council's account: no password to reset
            context = {
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            }
            sent += len(notify("password_reset", [user], context=context))
        return sent


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Confirm new password"


class PreferencesForm(forms.Form):
    """One checkbox per notice the person may switch off; the mandatory ones are listed on
    the page as always sent, not as checkboxes that cannot be changed."""

    def __init__(self, *args, notices, enabled: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.mandatory = [item for item in notices if item.mandatory]
        for item in notices:
            if not item.mandatory:
                self.fields[item.kind] = forms.BooleanField(
                    label=item.title,
                    help_text=item.description,
                    required=False,
                    initial=item.kind in enabled,
                )

    def choices(self) -> dict[str, bool]:
        return {kind: bool(self.cleaned_data.get(kind)) for kind in self.fields}
