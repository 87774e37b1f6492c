"""Notifications: every domain event that needs a person becomes a notification to the members it concerns
(an in-app inbox, and e-mail at once or in a daily digest, per person and per kind, with a one-click
unsubscribe per kind).

Who is told is decided in one place, `services.notify`, from the kind's rule (`registry.Kind`: the app's
answer of who the event concerns, e.g. who can give an awaited signature under the governance profile)
and the permission table (the kind's action); apps register their kinds in AppConfig.ready(). Decision 0028.
"""
