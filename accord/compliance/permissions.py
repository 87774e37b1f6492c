"""The compliance app's rows of the permission table."""

from accord.core.choices import Role
from accord.core.permissions import READERS, Action, register

# Which frameworks the organisation works against is the CISO's call (an admin can always act).
_FRAMEWORK_KEEPERS = frozenset({Role.ADMIN, Role.CISO})

register(
    Action("framework.view", "See the organisation's frameworks, their groups and requirements", READERS),
    Action("framework.import", "Import a framework (a file in Accord's format, or a built-in one)",
           _FRAMEWORK_KEEPERS),
)
