"""URLs of the casework note pages (included by casework/urls.py, under /cases/)."""

from django.urls import path

from caseway.casework import note_views

urlpatterns = [
    path("<uuid:case_pk>/notes/", note_views.note_list, name="note_list"),
    path("<uuid:case_pk>/notes/new/", note_views.note_new, name="note_new"),
    path("<uuid:case_pk>/notes/<uuid:note_pk>/", note_views.note_detail, name="note_detail"),
    path("<uuid:case_pk>/notes/<uuid:note_pk>/correct/", note_views.note_correct, name="note_correct"),
]
