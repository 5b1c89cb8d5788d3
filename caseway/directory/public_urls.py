from django.urls import path

from caseway.directory import public_views

app_name = "public_directory"

urlpatterns = [
    path("", public_views.search, name="search"),
    path("<uuid:pk>/", public_views.service_detail, name="service_detail"),
]
