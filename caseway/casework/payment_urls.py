"""URLs of the casework support payment pages (included by casework/urls.py)."""

from django.urls import path

from caseway.casework import payment_views

urlpatterns = [
    path("<uuid:case_pk>/payments/", payment_views.payment_list, name="payments"),
    path("<uuid:case_pk>/payments/new/", payment_views.payment_record, name="payment_record"),
    path("payments/<uuid:pk>/approve/", payment_views.payment_approve, name="payment_approve"),
    path("payments/totals/", payment_views.payment_totals, name="payment_totals"),
]
