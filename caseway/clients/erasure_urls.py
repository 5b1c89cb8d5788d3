from django.urls import path

from caseway.clients import erasure_views

urlpatterns = [
    path("erasure/", erasure_views.erasure_list, name="erasure_list"),
    path("erasure/<int:pk>/", erasure_views.erasure_detail, name="erasure_detail"),
    path("erasure/<int:pk>/approve/", erasure_views.erasure_approve, name="erasure_approve"),
    path("erasure/<int:pk>/reject/", erasure_views.erasure_reject, name="erasure_reject"),
    path("retention/", erasure_views.retention_policy, name="retention"),
    path("<uuid:pk>/export/", erasure_views.subject_access_page, name="subject_access_page"),
    path("<uuid:pk>/export/json/", erasure_views.subject_access_json, name="subject_access_json"),
]
