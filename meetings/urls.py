from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("search/", views.search, name="search"),
    path("export.csv", views.export_csv, name="export"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/meeting.ics", views.meeting_calendar, name="calendar"),
    path("<int:pk>/pack.pdf", views.pack, name="pack"),
    path("<int:pk>/pack-full.pdf", views.pack, {"full": True}, name="pack_full"),
    path("<int:pk>/issues/<int:number>/<str:which>.pdf", views.issue_file, name="issue_file"),
    path("<int:pk>/progress.json", views.progress, name="progress"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/minutes/edit/", views.minutes_edit, name="minutes_edit"),
    path("<int:pk>/items/new/", views.item_create, name="item_create"),
    path("<int:pk>/items/<int:number>/", views.item_detail, name="item"),
    path("<int:pk>/items/<int:number>/report/", views.report_edit, name="report_edit"),
    path("<int:pk>/items/<int:number>/item.pdf", views.item_paper, name="item_paper"),
    path("<int:pk>/items/<int:number>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/items/<int:number>/remove/", views.item_remove, name="item_remove"),
    path(
        "<int:pk>/items/<int:number>/appendices/new/",
        views.appendix_create,
        name="appendix_create",
    ),
    path(
        "<int:pk>/items/<int:number>/appendices/<str:letter>.pdf",
        views.appendix_file,
        name="appendix_file",
    ),
]
