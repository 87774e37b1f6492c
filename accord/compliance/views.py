"""The frameworks pages: the organisation's frameworks, and one framework's tree (groups fold open and shut,
each requirement opens on its details) with a search over its requirements (htmx swaps the results; a plain
GET form without JavaScript)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from accord.compliance import selectors
from accord.core.web import OrgRequest, org_view, render_page

#: Search results shown at most (a search narrows; the tree shows everything).
MAX_RESULTS = 200


@org_view("framework.view")
@require_GET
def framework_list(request: OrgRequest) -> HttpResponse:
    frameworks = list(selectors.frameworks(request.org))
    return render_page(request, "compliance/frameworks.html", "compliance/_frameworks_table.html",
                       {"frameworks": frameworks})


@org_view("framework.view")
@require_GET
def framework_detail(request: OrgRequest, key: str) -> HttpResponse:
    org = request.org
    framework = selectors.access_framework(org, key)
    q = request.GET.get("q", "").strip()[:300]
    context: dict[str, object] = {"framework": framework, "q": q}
    if q:
        try:
            found = list(selectors.requirements(org, framework, selectors.RequirementFilter(q=q))[:MAX_RESULTS + 1])
        except ValidationError:  # pragma: no cover - only `group` is refused, and the page sends none
            found = []
        context.update(results=found[:MAX_RESULTS], more=len(found) > MAX_RESULTS, max_results=MAX_RESULTS)
    else:
        context["tree"] = selectors.framework_tree(org, framework)
    return render_page(request, "compliance/framework.html", "compliance/_framework_results.html", context)
