from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.home, name="home"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("scorecard/overview/", views.overview, name="overview"),
    path("scorecard/summary/", views.draft_summary, name="summary"),
    path("scorecard/export.csv", views.export_csv, name="export_csv"),
    path("scorecard/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("indicators/<str:reference>/", views.indicator_detail, name="detail"),
    path("indicators/<str:reference>/judgement/", views.set_judged_rating, name="set_judgement"),
    path(
        "indicators/<str:reference>/process-changes/",
        views.add_process_change,
        name="add_process_change",
    ),
    path(
        "indicators/<str:reference>/process-changes/<int:pk>/withdraw/",
        views.withdraw_process_change,
        name="withdraw_process_change",
    ),
    path("indicators/<str:reference>/history.csv", views.indicator_history_csv, name="history"),
]
