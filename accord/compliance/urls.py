from django.urls import path

from accord.compliance import views, views_mappings

app_name = "compliance"

urlpatterns = [
    path("frameworks/", views.framework_list, name="frameworks"),
    # A framework is named by its key (the newest version imported) or key@version.
    path("frameworks/<str:key>/", views.framework_detail, name="framework"),
    # A requirement's id may hold "/" (its own framework's numbering): the path converter keeps it whole.
    path("frameworks/<str:key>/requirements/<path:ref>/", views_mappings.requirement_detail, name="requirement"),
]
