from django.urls import path

from risks import views

app_name = "risks"

urlpatterns = [
    path("", views.register, name="register"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("bands.css", views.band_stylesheet, name="bands_css"),
    path("report/", views.register_report, name="report"),
    path("report.pdf", views.register_pdf, name="report_pdf"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<str:slug>/", views.review_detail, name="review"),
    path("<str:reference>/", views.entry_detail, name="entry"),
]
