from django.urls import path

from caseway.feedback import views

app_name = "portal_feedback"

urlpatterns = [path("", views.portal_feedback, name="send")]
