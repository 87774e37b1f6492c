from django.urls import path

from accord.portfolio import views_objectives as views

app_name = "objectives"

urlpatterns = [
    path("", views.objective_list, name="list"),
    path("new/", views.objective_create, name="create"),
    path("<id:objective_id>/", views.objective_detail, name="detail"),
    path("<id:objective_id>/edit/", views.objective_edit, name="edit"),
    path("<id:objective_id>/delete/", views.objective_delete, name="delete"),
    path("<id:objective_id>/key-results/", views.key_result_add, name="key_result_add"),
    path("<id:objective_id>/key-results/<id:key_result_id>/", views.key_result_edit, name="key_result_edit"),
    path("<id:objective_id>/key-results/<id:key_result_id>/delete/", views.key_result_delete,
         name="key_result_delete"),
    path("<id:objective_id>/initiatives/", views.contribution_set, name="contribution_set"),
    path("<id:objective_id>/initiatives/<id:initiative_id>/remove/", views.contribution_remove,
         name="contribution_remove"),
]
