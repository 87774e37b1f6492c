"""Web pages of notifications: the member's inbox (mark one or all read), their e-mail choices per kind,
and the one-click unsubscribe page an e-mail links to (no sign-in: the signed token names member and kind)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.notifications import selectors, services
from accord.core.notifications.forms import PreferencesForm
from accord.core.web import OrgRequest, apply_errors, org_view, render_page

PAGE_SIZE = 50


@org_view("notification.manage_own")
@require_GET
def inbox(request: OrgRequest) -> HttpResponse:
    unread = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(request.org, request.membership, unread=unread), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render_page(request, "core/notifications/inbox.html", "core/notifications/_inbox.html",
                       {"page": page, "unread": unread, "listed_at": timezone.now().isoformat()})


@org_view("notification.manage_own")
@require_POST
def mark_read(request: OrgRequest, notification_id: int) -> HttpResponse:
    """Mark it read; with `open`, go on to the object's page (the inbox's links do so)."""
    n = selectors.access_notification(request.org, request.membership, notification_id)
    services.do_mark_notification_read(request.user, request.org, n)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(n.link, allowed_hosts=None):
        return redirect(n.link)
    return redirect("core:notifications", org=request.org.slug)


@org_view("notification.manage_own")
@require_POST
def mark_all_read(request: OrgRequest) -> HttpResponse:
    # Up to when the list was shown: a notification that arrived since stays unread.
    count = services.do_mark_all_notifications_read(request.user, request.org,
                                                     up_to=parse_datetime(request.POST.get("up_to", "")))
    messages.success(request, ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.",
                                       count) % {"count": count})
    return redirect("core:notifications", org=request.org.slug)


@org_view("notification.manage_own")
@require_http_methods(["GET", "POST"])
def preferences(request: OrgRequest) -> HttpResponse:
    rows = selectors.preferences(request.org, request.membership)
    form = PreferencesForm(request.POST or None, preferences=rows)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_set_notification_preferences(request.user, request.org, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your notification e-mails are saved."))
            return redirect("core:notification_preferences", org=request.org.slug)
    return render(request, "core/notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed token is the authority (RFC 8058: a mail client POSTs here without a session)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a link scanner opening the e-mail's links changes nothing); POST stops the e-mails of
    that kind, for that member, in that organisation."""
    target = selectors.unsubscribe_target(token)
    if target is None:
        return render(request, "core/notifications/unsubscribe.html", {"invalid": True}, status=404)
    context = {"target": target, "organization": target.membership.organization, "done": False}
    if request.method == "POST":
        services.do_unsubscribe(target.membership.user, target.membership.organization, target.kind.key)
        context["done"] = True
    return render(request, "core/notifications/unsubscribe.html", context)
