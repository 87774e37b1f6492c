"""REST API of the post-incident review, mounted under /api/v1/orgs/ by accord/api.py: an incident's review (read,
write or change) and its lessons (list, add, change). Writing either is refused (409) until the incident is
recovered or closed. A lesson's action is a nested object; its risk is named by reference (`risk`: an existing one
the lesson updates) or created from the lesson (`new_risk`: the new risk's title), its control by reference."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, org_access
from accord.core.models import Membership
from accord.incidents import rules, selectors, services_reviews
from accord.incidents.api import _email, _local, _viewer
from accord.incidents.choices import LessonStatus
from accord.incidents.models import Incident, Lesson

router = Router(tags=["incidents"])

_BASE = "/{org}/incidents/{incident_id}"


def _incident(request: HttpRequest, m: Membership, incident_id: int) -> Incident:
    return selectors.access_incident(_viewer(request, m).organization, incident_id)


class LessonActionOut(Schema):
    title: str
    owner: str | None = Field(description="E-mail address of the member who owns the action")
    due_on: dt.date | None
    status: LessonStatus
    done_at: dt.datetime | None


class IncidentLessonOut(Schema):
    id: int
    incident: str = Field(description="The incident's reference, INC-001")
    text: str = Field(description="What was learnt")
    action: LessonActionOut
    risk: str | None = Field(description="The register's risk the lesson created or updates (R-001)")
    risk_title: str | None
    risk_created: bool = Field(description="True: the lesson created the risk; false: it updates an existing one")
    control: str | None = Field(description="The library's control the lesson names (C-001)")
    control_name: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_incident(obj: Lesson) -> str:
        return obj.incident.ref

    @staticmethod
    def resolve_action(obj: Lesson, context: Any) -> dict[str, Any]:
        return {"title": obj.action, "owner": _email(obj.owner), "due_on": obj.due_on, "status": obj.status,
                "done_at": _local(obj.done_at, context)}

    @staticmethod
    def resolve_risk(obj: Lesson) -> str | None:
        return obj.risk.ref if obj.risk else None

    @staticmethod
    def resolve_risk_title(obj: Lesson) -> str | None:
        return obj.risk.title if obj.risk else None

    @staticmethod
    def resolve_control(obj: Lesson) -> str | None:
        return obj.control.ref if obj.control else None

    @staticmethod
    def resolve_control_name(obj: Lesson) -> str | None:
        return obj.control.name if obj.control else None

    @staticmethod
    def resolve_created_at(obj: Lesson, context: Any) -> dt.datetime | None:
        return _local(obj.created_at, context)

    @staticmethod
    def resolve_updated_at(obj: Lesson, context: Any) -> dt.datetime | None:
        return _local(obj.updated_at, context)


class IncidentReviewOut(Schema):
    incident: str = Field(description="The incident's reference, INC-001")
    written: bool = Field(description="False until the review is written (its texts are then empty)")
    may_write: bool = Field(description="The incident is recovered or closed: the review and lessons may be written")
    what_happened: str
    worked: str = Field(description="What worked")
    did_not_work: str = Field(description="What did not work")
    held_on: dt.date | None = Field(description="The day the review was held")
    updated_at: dt.datetime | None
    lessons: list[IncidentLessonOut]


class IncidentReviewIn(BodyIn):
    what_happened: str | None = Field(None, max_length=10_000)
    worked: str | None = Field(None, max_length=10_000, description="What worked")
    did_not_work: str | None = Field(None, max_length=10_000, description="What did not work")
    held_on: dt.date | None = Field(None, description="The day the review was held (up to today)")


class LessonActionPatch(BodyIn):
    title: str | None = Field(None, min_length=1, max_length=200)
    owner: str | None = Field(None, max_length=254, description="A member's e-mail address ('' for none)")
    due_on: dt.date | None = None
    status: LessonStatus | None = Field(None, description="done stamps done_at; open clears it")


class LessonActionIn(LessonActionPatch):
    title: str = Field(min_length=1, max_length=200)


class IncidentLessonPatch(BodyIn):
    text: str | None = Field(None, min_length=1, max_length=10_000)
    action: LessonActionPatch | None = None
    risk: str | None = Field(None, max_length=30, description="An existing risk the lesson updates (R-001; '' for "
                                                                "none)")
    new_risk: str | None = Field(None, max_length=200, description="The title of a risk to create in the register "
                                                                    "from the lesson (instead of `risk`)")
    control: str | None = Field(None, max_length=30, description="A control of the library (C-001; '' for none)")


class IncidentLessonIn(IncidentLessonPatch):
    text: str = Field(min_length=1, max_length=10_000, description="What was learnt")
    action: LessonActionIn


def _lesson_data(payload: IncidentLessonPatch) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True, exclude={"action"})
    if payload.action is not None:
        action = payload.action.model_dump(exclude_unset=True)
        if "title" in action:
            data["action"] = action.pop("title")
        data.update(action)
    return data


def _review(request: HttpRequest, m: Membership, incident: Incident) -> dict[str, Any]:
    found = selectors.review(m.organization, incident)
    return {"incident": incident.ref, "written": found is not None, "may_write": rules.may_review(incident.status),
            "what_happened": found.what_happened if found else "", "worked": found.worked if found else "",
            "did_not_work": found.did_not_work if found else "", "held_on": found.held_on if found else None,
            "updated_at": _local(found.updated_at, {"request": request}) if found else None,
            "lessons": list(selectors.lessons(m.organization, incident))}


@router.get(f"{_BASE}/review", response={200: IncidentReviewOut, **ERRORS}, summary="An incident's review",
            operation_id="accord_incidents_api_get_review")
def get_review(request: HttpRequest, org: str, incident_id: Id) -> dict[str, Any]:
    """What happened, what worked, what did not, and the lessons (empty texts until it is written)."""
    m = org_access(request, org, "incident.view")
    return _review(request, m, _incident(request, m, incident_id))


@router.put(f"{_BASE}/review", response={200: IncidentReviewOut, **ERRORS}, summary="Write an incident's review",
            operation_id="accord_incidents_api_write_review")
def write_review(request: HttpRequest, org: str, incident_id: Id, payload: IncidentReviewIn) -> dict[str, Any]:
    """The fields given are written (the others kept); 409 until the incident is recovered or closed."""
    m = org_access(request, org, "incident.review")
    incident = _incident(request, m, incident_id)
    services_reviews.do_write_incident_review(m.user, m.organization, incident, payload.model_dump(exclude_unset=True))
    return _review(request, m, incident)


@router.get(f"{_BASE}/lessons/", response={200: list[IncidentLessonOut], **ERRORS},
            summary="An incident's lessons", operation_id="accord_incidents_api_list_lessons")
@paginate(Pagination)
def list_lessons(request: HttpRequest, org: str, incident_id: Id) -> QuerySet[Lesson]:
    m = org_access(request, org, "incident.view")
    return selectors.lessons(m.organization, _incident(request, m, incident_id))


@router.post(f"{_BASE}/lessons/", response={201: IncidentLessonOut, **ERRORS},
             summary="Add a lesson to an incident's review", operation_id="accord_incidents_api_add_lesson")
def add_lesson(request: HttpRequest, org: str, incident_id: Id, payload: IncidentLessonIn) -> Status[Any]:
    """Its action's owner is told; `new_risk` creates the risk in the register. 409 until the incident is recovered
    or closed."""
    m = org_access(request, org, "incident.review")
    incident = _incident(request, m, incident_id)
    made = services_reviews.do_add_lesson(m.user, m.organization, incident, _lesson_data(payload))
    return Status(201, selectors.access_lesson(m.organization, incident, made.pk))


@router.patch(f"{_BASE}/lessons/{{lesson_id}}", response={200: IncidentLessonOut, **ERRORS},
              summary="Change a lesson (mark its action done)", operation_id="accord_incidents_api_update_lesson")
def update_lesson(request: HttpRequest, org: str, incident_id: Id, lesson_id: Id,
                  payload: IncidentLessonPatch) -> Lesson:
    m = org_access(request, org, "incident.review")
    incident = _incident(request, m, incident_id)
    lesson = selectors.access_lesson(m.organization, incident, lesson_id)
    services_reviews.do_update_lesson(m.user, m.organization, lesson, _lesson_data(payload))
    return selectors.access_lesson(m.organization, incident, lesson_id)
