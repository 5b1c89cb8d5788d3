"""URLs of the legal reviews pages, included in the ``legal`` namespace by ``legal/urls.py``:
a matter's case reviews and its assistance requests, and the organization's incoming requests."""

from django.urls import path

from caseway.legal import views_reviews as views

urlpatterns = [
    path("matters/<uuid:pk>/reviews/", views.review_list, name="reviews"),
    path("matters/<uuid:pk>/reviews/new/", views.review_add, name="review_add"),
    path("reviews/<uuid:pk>/", views.review, name="review"),
    path("reviews/<uuid:pk>/participants/", views.review_participant_add, name="review_participant_add"),
    path("reviews/<uuid:pk>/actions/", views.action_item_add, name="action_item_add"),
    path("review-actions/<uuid:pk>/done/", views.action_item_done, name="action_item_done"),
    path("review-actions/<uuid:pk>/take/", views.action_item_take, name="action_item_take"),
    path("matters/<uuid:pk>/requests/", views.request_list, name="requests"),
    path("matters/<uuid:pk>/requests/new/", views.request_add, name="request_add"),
    path("requests/", views.requests_incoming, name="requests_incoming"),
    path("requests/<uuid:pk>/", views.request_answer, name="request_answer"),
    path("requests/<uuid:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
]
