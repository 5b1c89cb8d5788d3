"""The HSDS 3.0 API (api.py), public and read-only, at /api/hsds/. Paths as in HSDS's openapi.json."""

from django.urls import path, re_path

from caseway.directory import api

app_name = "hsds"

urlpatterns = [
    path("", api.root, name="root"),
    path("services", api.service_list, name="service_list"),
    path("services/<str:id>", api.service_detail, name="service_detail"),
    path("organizations", api.organization_list, name="organization_list"),
    path("organizations/<str:id>", api.organization_detail, name="organization_detail"),
    path("service_at_locations", api.service_at_location_list, name="service_at_location_list"),
    path("service_at_locations/<str:id>", api.service_at_location_detail, name="service_at_location_detail"),
    path("taxonomies", api.taxonomy_list, name="taxonomy_list"),
    path("taxonomies/<str:id>", api.taxonomy_detail, name="taxonomy_detail"),
    path("taxonomy_terms", api.taxonomy_term_list, name="taxonomy_term_list"),
    path("taxonomy_terms/<str:id>", api.taxonomy_term_detail, name="taxonomy_term_detail"),
    # Last: any other path here answers in JSON too.
    re_path(r"^.*$", api.not_found, name="not_found"),
]
