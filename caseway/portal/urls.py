from django.urls import path

from caseway.portal import views

app_name = "portal"

# Neutral words only: an address stays in the phone's history.
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.sign_in, name="login"),
    path("login/code/", views.sign_in_code, name="login_code"),
    path("start/", views.start, name="start"),
    path("welcome/", views.welcome, name="welcome"),
    path("messages/", views.messages, name="messages"),
    path("messages/files/<uuid:pk>/", views.attachment, name="attachment"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/new/", views.appointment_new, name="appointment_new"),
    path("appointments/<uuid:pk>/change/", views.appointment_change, name="appointment_change"),
    path("documents/", views.documents, name="documents"),
    path("documents/<uuid:pk>/", views.document_download, name="document_download"),
    path("agreements/", views.consents, name="consents"),
    path("agreements/<uuid:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("my-data/", views.my_data, name="my_data"),
    path("journey/", views.journey, name="journey"),
    path("help/", views.resources, name="resources"),
    path("safety/", views.safety, name="safety"),
    path("safety/lock/", views.lock, name="lock"),
    path("safety/second-lock/", views.second_factor_add, name="second_factor_add"),
    path("safety/second-lock/remove/", views.second_factor_remove, name="second_factor_remove"),
    path("logout/", views.sign_out, name="logout"),
]
