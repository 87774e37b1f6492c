from django.urls import path

from accord.portfolio import views, views_roadmap

app_name = "portfolio"

urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("new/", views.initiative_create, name="create"),
    path("roadmap/", views_roadmap.roadmap_page, name="roadmap"),
    path("<id:initiative_id>/", views.initiative_detail, name="detail"),
    path("<id:initiative_id>/edit/", views.initiative_edit, name="edit"),
    path("<id:initiative_id>/advance/", views.initiative_advance, name="advance"),
    path("<id:initiative_id>/budgets/", views.budget_set, name="budget"),
    path("<id:initiative_id>/reviews/", views.review_open, name="review_open"),
    path("<id:initiative_id>/reviews/<id:review_id>/complete/", views.review_complete, name="review_complete"),
    path("<id:initiative_id>/conditions/<id:condition_id>/done/", views.condition_done, name="condition_done"),
    path("<id:initiative_id>/exceptions/", views.exception_request, name="exception_request"),
    path("<id:initiative_id>/exceptions/<id:exception_id>/sign/", views.exception_sign, name="exception_sign"),
    path("<id:initiative_id>/exceptions/<id:exception_id>/withdraw/", views.exception_withdraw,
         name="exception_withdraw"),
]
