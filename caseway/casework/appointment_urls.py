"""URLs of the casework appointment pages, the week calendar and the feed (included by casework/urls.py)."""

from django.urls import path

from caseway.casework import appointment_views, calendar_views

urlpatterns = [
    path("<uuid:case_pk>/appointments/", appointment_views.appointment_list, name="appointments"),
    path("<uuid:case_pk>/appointments/new/", appointment_views.appointment_book, name="appointment_book"),
    path("appointments/<uuid:pk>/reschedule/", appointment_views.appointment_reschedule, name="appointment_reschedule"),
    path("appointments/<uuid:pk>/cancel/", appointment_views.appointment_cancel, name="appointment_cancel"),
    path("appointments/<uuid:pk>/attended/", appointment_views.appointment_attended, name="appointment_attended"),
    path("appointments/<uuid:pk>/no-show/", appointment_views.appointment_no_show, name="appointment_no_show"),
    path("calendar/", calendar_views.week, name="calendar"),
    path("calendar/feed/", calendar_views.feed_settings, name="calendar_feed"),
    path("calendar/feed/revoke/", calendar_views.feed_revoke, name="calendar_feed_revoke"),
    path("calendar/<str:token>.ics", calendar_views.feed, name="calendar_ics"),
]
