"""Signals other apps listen to. Receivers run inside the sender's transaction and must write
through their own services (so each write is audited)."""

from django.dispatch import Signal

# Sent by do_create_organization after the organisation, its chain and its profile exist.
# Arguments: organization, actor.
organization_created = Signal()
