from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("indicators/<str:reference>/", views.indicator_detail, name="detail"),
]
