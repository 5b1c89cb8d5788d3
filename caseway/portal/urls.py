from django.urls import path

from caseway.portal import views

app_name = "portal"

# Neutral words only: an address stays in the phone's history.
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.sign_in, name="login"),
    path("start/", views.start, name="start"),
    path("welcome/", views.welcome, name="welcome"),
    path("messages/", views.messages, name="messages"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/new/", views.appointment_new, name="appointment_new"),
    path("appointments/<uuid:pk>/change/", views.appointment_change, name="appointment_change"),
    path("documents/", views.documents, name="documents"),
    path("documents/<uuid:pk>/", views.document_download, name="document_download"),
    path("safety/", views.safety, name="safety"),
    path("safety/lock/", views.lock, name="lock"),
    path("logout/", views.sign_out, name="logout"),
]
