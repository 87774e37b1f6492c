from django.urls import path

from accord.risks.views import money, register

app_name = "risks"

urlpatterns = [
    path("", register.index, name="index"),
    # The register and its risks live under register/, so the navigation marks "Risks" on them only.
    # A risk is named by its id or its reference: `selectors.access_risk` reads either.
    path("register/", register.risk_list, name="list"),
    path("register/new/", register.risk_create, name="create"),
    path("register/export/", register.export, name="export"),
    path("register/import/", register.import_risks, name="import"),
    path("register/<str:risk_id>/", register.risk_detail, name="detail"),
    path("register/<str:risk_id>/edit/", register.risk_edit, name="edit"),
    path("register/<str:risk_id>/lec.svg", money.risk_lec_svg, name="risk_lec_svg"),
    path("register/<str:risk_id>/archive/", register.risk_archive, name="archive"),
    path("register/<str:risk_id>/restore/", register.risk_restore, name="restore"),
    path("register/<str:risk_id>/sections/<slug:section>/", register.risk_section, name="section"),
    path("register/<str:risk_id>/sections/<slug:section>/edit/", register.risk_section_edit, name="section_edit"),
    path("register/<str:risk_id>/acceptances/", register.acceptance_request, name="acceptance_request"),
    path("register/<str:risk_id>/acceptances/<id:acceptance_id>/sign/", register.acceptance_sign,
         name="acceptance_sign"),
    path("register/<str:risk_id>/acceptances/<id:acceptance_id>/withdraw/", register.acceptance_withdraw,
         name="acceptance_withdraw"),
    path("heatmap/", register.heatmap, name="heatmap"),
    path("heatmap/svg/", register.heatmap_svg, name="heatmap_svg"),
    path("money/", money.portfolio, name="portfolio"),
    path("money/lec.svg", money.portfolio_lec_svg, name="portfolio_lec_svg"),
    path("appetite/", register.appetite, name="appetite"),
    path("appetite/draft/", register.appetite_draft, name="appetite_draft"),
    path("appetite/sign/", register.appetite_sign, name="appetite_sign"),
    path("appetite/opinion/", register.appetite_opinion, name="appetite_opinion"),
    path("settings/", register.risk_settings, name="settings"),
    path("settings/matrix/", register.matrix_change, name="matrix_change"),
    path("settings/categories/", register.category_create, name="category_create"),
    path("settings/categories/<id:category_id>/", register.category_edit, name="category_edit"),
]
