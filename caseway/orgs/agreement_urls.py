from django.urls import path

from caseway.orgs import agreement_views

app_name = "agreements"

urlpatterns = [
    path("", agreement_views.agreement_list, name="list"),
    path("new/", agreement_views.agreement_propose, name="propose"),
    path("<int:pk>/", agreement_views.agreement_detail, name="detail"),
    path("<int:pk>/accept/", agreement_views.agreement_accept, name="accept"),
    path("<int:pk>/decline/", agreement_views.agreement_decline, name="decline"),
    path("<int:pk>/end/", agreement_views.agreement_end, name="end"),
]
