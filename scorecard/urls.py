from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from accounts.views import (
    PasswordChangeView,
    SignInView,
    SsoStartView,
    admin_sign_in,
    sso_callback,
)
from meetings.views import MeetingSitemap
from notifications import views as notifications
from operations.views import healthz, readyz

# A database that is away answers 503 with a page that needs no database; see faults.py.
handler500 = "operations.faults.server_error"

admin.site.site_header = "Scorecard administration"
admin.site.site_title = "Scorecard"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # With single sign-on the admin signs in on the app's page, which has the provider's
    # button; without it, the admin's own page.
    path("admin/login/", admin_sign_in, name="admin_sign_in"),
    path("admin/", admin.site.urls),
    path("accounts/login/", SignInView.as_view(), name="login"),
    # The council's identity provider (OpenID Connect): 404 unless it is configured. The
    # callback's address is the redirect URI registered with the provider.
    path("oidc/authenticate/", SsoStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", sso_callback, name="oidc_authentication_callback"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/changed/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/notifications/", notifications.preferences, name="notification_settings"),
    path(
        "accounts/password/reset/",
        notifications.ResetRequestView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        notifications.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("returns/", include("returns.urls")),
    path("risks/", include("risks.urls")),
    path("recovery-plans/", include("recovery_plans.urls")),
    path("meetings/", include("meetings.urls")),
    path("comparators/", include("comparators.urls")),
    path("help/", TemplateView.as_view(template_name="help.html"), name="help"),
    path("sitemap.xml", sitemap, {"sitemaps": {"meetings": MeetingSitemap}}, name="sitemap"),
    path("", include("indicators.urls")),
]
