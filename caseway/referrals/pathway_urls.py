"""Pathway pages, in the "referrals" namespace (included from caseway/referrals/urls.py)."""

from django.urls import path

from caseway.referrals import pathway_views

urlpatterns = [
    path("pathways/", pathway_views.pathway_list, name="pathway_list"),
    path("pathways/new/", pathway_views.pathway_create, name="pathway_create"),
    path("pathways/<int:pk>/", pathway_views.pathway_edit, name="pathway_edit"),
    path("pathways/<int:pk>/copy/", pathway_views.pathway_copy, name="pathway_copy"),
    path("pathways/<int:pk>/steps/new/", pathway_views.pathway_step_add, name="pathway_step_add"),
    path("pathways/steps/<int:pk>/", pathway_views.pathway_step_edit, name="pathway_step_edit"),
    path("pathways/steps/<int:pk>/remove/", pathway_views.pathway_step_remove, name="pathway_step_remove"),
    path("cases/<uuid:case_pk>/pathways/", pathway_views.case_pathways, name="case_pathways"),
    path("cases/<uuid:case_pk>/pathways/<slug:code>/", pathway_views.pathway_start, name="pathway_start"),
    path("pathways/runs/<uuid:pk>/steps/<int:order>/", pathway_views.pathway_step_refer, name="pathway_step_refer"),
    path("pathways/runs/<uuid:pk>/end/", pathway_views.pathway_run_end, name="pathway_run_end"),
]
