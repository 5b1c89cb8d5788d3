from django.urls import path

from caseway.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.organization_list, name="organization_list"),
    path("switch/", views.switch_organization, name="switch"),
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_invite, name="member_invite"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/reset-two-step/", views.member_second_factor_reset, name="member_second_factor_reset"),
    path("api-tokens/", views.api_token_list, name="api_token_list"),
    path("api-tokens/new/", views.api_token_create, name="api_token_create"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
