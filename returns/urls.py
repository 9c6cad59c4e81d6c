from django.urls import path

from onboarding import views as catalogue_views
from returns import views as returns
from timetable import views as timetable

app_name = "returns"

urlpatterns = [
    path("", returns.return_list, name="list"),
    path("live-rating/", returns.live_rating, name="live_rating"),
    # Before the quarter's pages, whose "<year>/<period>/" would also match.
    path("catalogue/", catalogue_views.upload, name="catalogue"),
    path("catalogue/check/", catalogue_views.preview, name="catalogue_preview"),
    path("catalogue/template.xlsx", catalogue_views.template, name="catalogue_template"),
    path("catalogue/export.xlsx", catalogue_views.export, name="catalogue_export"),
    path("<str:year>/<str:period>/", returns.return_form, name="form"),
    path("<str:year>/<str:period>/review/", returns.review, name="review"),
    path("<str:year>/<str:period>/timetable/", timetable.edit, name="timetable"),
    path("<str:year>/<str:period>/workbook.xlsx", returns.download_workbook, name="workbook"),
    path("<str:year>/<str:period>/upload/", returns.upload_workbook, name="upload"),
]
