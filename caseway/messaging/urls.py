from django.urls import path

from caseway.messaging import views

app_name = "messaging"

urlpatterns = [
    path("referral/<uuid:pk>/", views.referral_thread, name="referral_thread"),
    path("referral/<uuid:pk>/files/<uuid:attachment_pk>/", views.referral_attachment, name="referral_attachment"),
]
