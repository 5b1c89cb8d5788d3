from django.urls import path

from caseway.referrals import views
from caseway.referrals.external_urls import sender_urlpatterns as outside_urlpatterns
from caseway.referrals.pathway_urls import urlpatterns as pathway_urlpatterns
from caseway.referrals.statistics_urls import urlpatterns as statistics_urlpatterns

app_name = "referrals"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("outbox/", views.outbox, name="outbox"),
    path("cases/<uuid:case_pk>/", views.case_referrals, name="case_referrals"),
    path("cases/<uuid:case_pk>/new/", views.referral_create, name="create"),
    path("<uuid:pk>/", views.referral_detail, name="detail"),
    path("<uuid:pk>/send/", views.referral_send, name="send"),
    path("<uuid:pk>/accept/", views.referral_accept, name="accept"),
    path("<uuid:pk>/decline/", views.referral_decline, name="decline"),
    path("<uuid:pk>/start-service/", views.referral_start_service, name="start_service"),
    path("<uuid:pk>/complete/", views.referral_complete, name="complete"),
    path("<uuid:pk>/close-unsuccessful/", views.referral_close_unsuccessful, name="close_unsuccessful"),
    path("<uuid:pk>/withdraw/", views.referral_withdraw, name="withdraw"),
    *outside_urlpatterns,
    *pathway_urlpatterns,
    *statistics_urlpatterns,
]
