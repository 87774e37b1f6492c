from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from accord.core.choices import Role
from accord.core.permissions import ACTIONS, allows, render_markdown, require

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def test_docs_permissions_md_is_the_rendered_table():
    assert DOC.read_text() == render_markdown(), "run: accord permissions > docs/permissions.md"


def test_admin_holds_every_action():
    assert all(allows(Role.ADMIN, a.name) for a in ACTIONS)


def test_the_board_viewer_reads_but_does_not_manage():
    assert allows(Role.VIEWER, "organization.view")
    assert not allows(Role.VIEWER, "member.manage")
    assert not allows(Role.VIEWER, "audit.view")


def test_an_auditor_reads_the_audit_trail_but_changes_nothing_in_core():
    assert allows(Role.AUDITOR, "audit.view")
    assert not any(allows(Role.AUDITOR, a) for a in ("member.manage", "governance.change"))


def test_require_explains_the_refusal():
    with pytest.raises(PermissionDenied, match="Contributor"):
        require(Role.CONTRIBUTOR, "governance.change")


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError, match="unknown permission"):
        allows(Role.ADMIN, "rocket.launch")
