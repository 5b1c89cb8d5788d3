from django.urls import path

from caseway.directory import views

app_name = "directory"

# Included at /directory/, before /directory/import/ and /directory/coverage/: no catch-all here.
urlpatterns = [
    path("", views.search, name="search"),
    path("services/<uuid:pk>/", views.service_detail, name="service_detail"),
    path("services/<uuid:pk>/verify/", views.service_verify, name="service_verify"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("manage/", views.manage_services, name="manage_services"),
    path("manage/services/new/", views.service_create, name="service_create"),
    path("manage/services/<uuid:pk>/", views.service_edit, name="service_edit"),
    path("manage/services/<uuid:pk>/hours/", views.service_hours, name="service_hours"),
    path("manage/services/<uuid:pk>/capacity/", views.service_capacity, name="service_capacity"),
    path("manage/locations/", views.location_list, name="location_list"),
    path("manage/locations/new/", views.location_create, name="location_create"),
    path("manage/locations/<uuid:pk>/", views.location_edit, name="location_edit"),
    path("taxonomy/", views.taxonomy, name="taxonomy"),
    path("taxonomy/new/", views.taxonomy_term_create, name="taxonomy_term_create"),
    path("taxonomy/<uuid:pk>/", views.taxonomy_term_edit, name="taxonomy_term_edit"),
]
