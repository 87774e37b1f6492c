"""REST API of notifications: the caller's own notifications in the token's organisation (list, mark one or
all read) and how each kind is e-mailed to them."""


import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, TextIn, org_access
from accord.core.models import Notification
from accord.core.notifications import selectors, services
from accord.core.notifications.choices import Delivery

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="The kind's key, as in the preferences")
    title: str
    link: str = Field(description="The object's page, a path under the site's address (empty: none)")
    created_at: dt.datetime
    read_at: dt.datetime | None


class InboxQuery(TextIn):
    unread: bool = Field(False, description="Only the unread notifications")


class ReadAllIn(BodyIn):
    up_to: dt.datetime | None = Field(None, description="Only those that arrived up to this time (the time the "
                                                        "caller read the list: later ones stay unread); omitted: all")


class ReadAllOut(Schema):
    marked_read: int = Field(description="How many notifications were unread and are now read")


class PreferenceOut(Schema):
    kind: str
    label: str
    delivery: Delivery


class PreferencesIn(BodyIn):
    deliveries: dict[str, Delivery] = Field(description="Kind key → immediate, digest or off; kinds not named "
                                                        "keep theirs")


@router.get("/{org}/notifications/", response={200: list[NotificationOut], **ERRORS},
            summary="The caller's notifications", operation_id="accord_core_api_list_notifications")
@paginate(Pagination)
def list_notifications(request: HttpRequest, org: str, filters: Query[InboxQuery]) -> QuerySet[Notification]:
    """Newest first; `unread=true` for the unread ones only."""
    m = org_access(request, org, "notification.manage_own")
    return selectors.inbox(m.organization, m, unread=filters.unread)


@router.post("/{org}/notifications/{notification_id}/read/", response={200: NotificationOut, **ERRORS},
             summary="Mark a notification read", operation_id="accord_core_api_read_notification")
def read_notification(request: HttpRequest, org: str, notification_id: Id) -> Notification:
    m = org_access(request, org, "notification.manage_own")
    n = selectors.access_notification(m.organization, m, notification_id)
    return services.do_mark_notification_read(m.user, m.organization, n)


@router.post("/{org}/notifications/read-all/", response={200: ReadAllOut, **ERRORS},
             summary="Mark every notification read", operation_id="accord_core_api_read_all_notifications")
def read_all_notifications(request: HttpRequest, org: str, payload: ReadAllIn) -> ReadAllOut:
    """The body may be `{}`."""
    m = org_access(request, org, "notification.manage_own")
    return ReadAllOut(marked_read=services.do_mark_all_notifications_read(m.user, m.organization,
                                                                          up_to=payload.up_to))


def _preferences_out(request: HttpRequest, org: str) -> list[PreferenceOut]:
    m = org_access(request, org, "notification.manage_own")
    return [PreferenceOut(kind=p.kind.key, label=str(p.kind.label), delivery=p.delivery)
            for p in selectors.preferences(m.organization, m)]


@router.get("/{org}/notification-preferences/", response={200: list[PreferenceOut], **ERRORS},
            summary="How each kind of notification is e-mailed to the caller",
            operation_id="accord_core_api_get_notification_preferences")
def get_notification_preferences(request: HttpRequest, org: str) -> list[PreferenceOut]:
    return _preferences_out(request, org)


@router.put("/{org}/notification-preferences/", response={200: list[PreferenceOut], **ERRORS},
            summary="Choose how kinds of notification are e-mailed to the caller",
            operation_id="accord_core_api_put_notification_preferences")
def put_notification_preferences(request: HttpRequest, org: str, payload: PreferencesIn) -> list[PreferenceOut]:
    """422 naming a kind that does not exist."""
    m = org_access(request, org, "notification.manage_own")
    services.do_set_notification_preferences(m.user, m.organization,
                                             {k: v.value for k, v in payload.deliveries.items()})
    return _preferences_out(request, org)
