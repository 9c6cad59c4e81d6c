from django.urls import path

from indicators import imports, returns

app_name = "returns"

urlpatterns = [
    path("", returns.return_list, name="list"),
    path("live-rating/", returns.live_rating, name="live_rating"),
    path("<str:year>/<str:period>/", returns.return_form, name="form"),
    path("<str:year>/<str:period>/review/", returns.review, name="review"),
    path("<str:year>/<str:period>/workbook.xlsx", imports.download_workbook, name="workbook"),
    path("<str:year>/<str:period>/upload/", imports.upload_workbook, name="upload"),
]
