from django.urls import path

from caseway.messaging import views

app_name = "messaging"

urlpatterns = [
    path("case/<uuid:case_pk>/with/<int:organization_pk>/", views.partner_thread_start, name="partner_thread_start"),
    path("thread/<uuid:pk>/", views.partner_thread, name="partner_thread"),
    path("thread/<uuid:pk>/files/<uuid:attachment_pk>/", views.partner_attachment, name="partner_attachment"),
    path("referral/<uuid:pk>/", views.referral_thread, name="referral_thread"),
    path("referral/<uuid:pk>/files/<uuid:attachment_pk>/", views.referral_attachment, name="referral_attachment"),
]
