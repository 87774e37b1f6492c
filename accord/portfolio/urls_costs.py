from django.urls import path

from accord.portfolio import views_costs as views

app_name = "costs"

urlpatterns = [
    path("", views.cost_view, name="view"),
    path("chart.svg", views.cost_chart, name="chart"),
    path("lines/new/", views.line_create, name="line_create"),
    path("lines/<id:line_id>/", views.line_edit, name="line_edit"),
    path("lines/<id:line_id>/delete/", views.line_delete, name="line_delete"),
    path("import/", views.actuals_import, name="import"),
]
