from django.urls import path

from accord.compliance import views

app_name = "compliance"

urlpatterns = [
    path("frameworks/", views.framework_list, name="frameworks"),
    # A framework is named by its key (the newest version imported) or key@version.
    path("frameworks/<str:key>/", views.framework_detail, name="framework"),
]
