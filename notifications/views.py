from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone

from indicators.roles import role_names
from notifications.forms import NewPasswordForm, PreferencesForm, ResetRequestForm
from notifications.models import PasswordResetRequest
from notifications.notices import offered_to
from notifications.services import enabled_kinds, set_preferences
from operations.security import client_ip


@login_required
def preferences(request):
    """The notices a person may receive, and which of them they want."""
    notices = offered_to(role_names(request.user))
    enabled = enabled_kinds(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST, notices=notices, enabled=enabled)
        if form.is_valid():
            set_preferences(request.user, form.choices())
            messages.success(request, "Your e-mail choices have been saved.")
            return redirect("notification_settings")
    else:
        form = PreferencesForm(notices=notices, enabled=enabled)
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_email": bool(request.user.email), "nav": "notifications"},
    )


class ResetRequestView(auth_views.PasswordResetView):
    """Asks for an address and sends a link, at most PASSWORD_RESET_PER_HOUR times an hour
    for one address and PASSWORD_RESET_PER_ADDRESS_PER_HOUR times from one client address,
    counted in the database so every web process counts the same requests."""

    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        ip = client_ip(self.request) or None
        since = timezone.now() - timedelta(hours=1)
        recent = PasswordResetRequest.objects.filter(at__gte=since)
        if ip and recent.filter(client_ip=ip).count() >= (
            settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR
        ):
            form.add_error(
                None,
                "There have been too many requests to reset a password from your network. "
                "Try again in an hour, or ask the performance team.",
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        PasswordResetRequest.objects.create(email=email, client_ip=ip)
        # Past the limit for this address, the page says the same but nothing is sent:
        # whoever asks cannot tell whether the address has an account, or flood its inbox.
        if recent.filter(email=email).count() <= settings.PASSWORD_RESET_PER_HOUR:
            form.save()
        return redirect(self.get_success_url())


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
