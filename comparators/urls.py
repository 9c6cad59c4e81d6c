from django.urls import path

from comparators import views

app_name = "comparators"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.upload, name="upload"),
    path("measures/new/", views.measure_form, name="measure_create"),
    path("measures/<int:pk>/", views.measure_form, name="measure_edit"),
    path("groups/new/", views.group_form, name="group_create"),
    path("groups/<int:pk>/", views.group_form, name="group_edit"),
]
