"""The legal API under /api/v1/ (names in the ``api`` namespace)."""

from django.urls import path

from caseway.legal import api

urlpatterns = [
    path("legal/matters/", api.MatterList.as_view(), name="legal_matters"),
    path("legal/matters/<uuid:pk>/", api.MatterDetail.as_view(), name="legal_matter"),
    path("legal/matters/<uuid:pk>/events/", api.MatterEvents.as_view(), name="legal_matter_events"),
    path("legal/matters/<uuid:pk>/evidence/", api.MatterEvidence.as_view(), name="legal_matter_evidence"),
    path("legal/deadlines/", api.DeadlineList.as_view(), name="legal_deadlines"),
    path("legal/analytics/", api.LegalAnalytics.as_view(), name="legal_analytics"),
]
