from django.urls import path

from recovery_plans import views

app_name = "recovery_plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("needed/", views.needed, name="needed"),
    path("due/", views.due, name="due"),
    path("calendar/<str:token>.ics", views.lead_calendar, name="calendar"),
    path("leads/<int:pk>/calendar/", views.lead_calendar_settings, name="lead_calendar"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/plan.pdf", views.plan_pdf, name="pdf"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/close/", views.plan_close, name="close"),
    path("<int:pk>/presentations/new/", views.presentation_create, name="presentation"),
    path("<int:pk>/updates/new/", views.update_create, name="update"),
    path("<int:pk>/actions/new/", views.action_edit, name="action_create"),
    path("<int:pk>/actions/<int:number>/edit/", views.action_edit, name="action_edit"),
    path("<int:pk>/actions/<int:number>/status/", views.action_status, name="action_status"),
]
