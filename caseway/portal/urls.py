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
    path("safety/", views.safety, name="safety"),
    path("safety/lock/", views.lock, name="lock"),
    path("logout/", views.sign_out, name="logout"),
]
