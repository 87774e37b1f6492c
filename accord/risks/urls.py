from django.urls import path

from accord.risks import views

app_name = "risks"

urlpatterns = [
    path("", views.index, name="index"),
    # The register and its risks live under register/, so the navigation marks "Risks" on them only.
    path("register/", views.risk_list, name="list"),
    path("register/new/", views.risk_create, name="create"),
    path("register/export/", views.export, name="export"),
    path("register/import/", views.import_risks, name="import"),
    path("register/<int:risk_id>/", views.risk_detail, name="detail"),
    path("register/<int:risk_id>/edit/", views.risk_edit, name="edit"),
    path("register/<int:risk_id>/lec.svg", views.risk_lec_svg, name="risk_lec_svg"),
    path("register/<int:risk_id>/delete/", views.risk_delete, name="delete"),
    path("register/<int:risk_id>/sections/<slug:section>/", views.risk_section, name="section"),
    path("register/<int:risk_id>/sections/<slug:section>/edit/", views.risk_section_edit, name="section_edit"),
    path("register/<int:risk_id>/acceptances/", views.acceptance_request, name="acceptance_request"),
    path("register/<int:risk_id>/acceptances/<int:acceptance_id>/sign/", views.acceptance_sign,
         name="acceptance_sign"),
    path("register/<int:risk_id>/acceptances/<int:acceptance_id>/withdraw/", views.acceptance_withdraw,
         name="acceptance_withdraw"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("heatmap/svg/", views.heatmap_svg, name="heatmap_svg"),
    path("money/", views.portfolio, name="portfolio"),
    path("money/lec.svg", views.portfolio_lec_svg, name="portfolio_lec_svg"),
    path("appetite/", views.appetite, name="appetite"),
    path("appetite/draft/", views.appetite_draft, name="appetite_draft"),
    path("appetite/sign/", views.appetite_sign, name="appetite_sign"),
    path("settings/", views.risk_settings, name="settings"),
    path("settings/matrix/", views.matrix_change, name="matrix_change"),
    path("settings/categories/", views.category_create, name="category_create"),
    path("settings/categories/<int:category_id>/", views.category_edit, name="category_edit"),
]
