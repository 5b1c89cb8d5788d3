from django.urls import path

from caseway.directory import import_views

app_name = "directory_import"

urlpatterns = [
    path("", import_views.upload, name="upload"),
]
