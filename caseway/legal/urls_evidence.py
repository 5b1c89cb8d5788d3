"""URLs of the legal evidence pages, included in the ``legal`` namespace by ``legal/urls.py``."""

from django.urls import path

from caseway.legal import views_evidence as views

urlpatterns = [
    path("matters/<uuid:pk>/evidence/", views.evidence_list, name="evidence_list"),
    path("matters/<uuid:pk>/evidence/add/", views.evidence_add, name="evidence_add"),
    path("matters/<uuid:pk>/evidence/bundle/", views.evidence_bundle, name="evidence_bundle"),
    path("evidence/<uuid:pk>/", views.evidence_item, name="evidence_item"),
    path("evidence/<uuid:pk>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/<uuid:pk>/transfer/", views.evidence_transfer, name="evidence_transfer"),
    path("evidence/<uuid:pk>/copies/", views.evidence_copy_add, name="evidence_copy_add"),
    path("evidence/<uuid:pk>/bundle/", views.evidence_item_bundle, name="evidence_item_bundle"),
    path("evidence-copies/<uuid:pk>/", views.copy_download, name="copy_download"),
]
