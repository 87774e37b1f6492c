"""A service handed an object of another organisation refuses it, naming the field, and writes nothing
(accord.core.tenancy.check_same_org). Every service that takes a tenant object is listed here, and a
new one fails the enumeration until it is."""

import datetime as dt
import importlib
import inspect
import typing

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from accord.core import services
from accord.core.clock import org_today
from accord.core.models import AuditChain, Membership
from accord.core.tenancy import TenantModel, check_same_org
from accord.incidents import services as incident_services
from accord.policies import services as policy_services
from accord.portfolio import services as portfolio_services
from accord.portfolio import services_systems
from accord.privacy import services as privacy_services
from accord.risks import services as risk_services
from accord.risks.models import RiskCategory
from tests.factories import make_member


def _foreign(org_b):
    """One of each tenant object a service takes, all in organisation B."""
    b_admin = make_member(org_b, "admin", email="admin-b@b.test")
    b_ciso = make_member(org_b, "ciso", email="ciso-b@b.test")
    risk = risk_services.do_create_risk(b_ciso.user, org_b, {"title": "B's risk", "category": "cyber_security",
                                                             "likelihood": 2, "impact": 2,
                                                             "owner": b_ciso.user.email})
    acceptance = risk_services.do_request_acceptance(b_ciso.user, org_b, risk, justification="B accepts",
                                                     expires_on=org_today(org_b) + dt.timedelta(days=30))
    appetite = risk_services.do_draft_appetite(b_ciso.user, org_b, statement="B's appetite",
                                               category_levels={"cyber_security": "medium"})
    invitation = services.do_invite_member(b_admin.user, org_b, "invitee@b.test", "viewer",
                                           site_url="http://testserver")
    token, _ = services.do_create_token(None, org_b, b_ciso.user, name="B's token")
    idp = services.do_set_identity_provider(None, org_b, issuer="https://login.b.test", client_id="b",
                                            client_secret="b-secret", allowed_domains=["b.test"], join_role="viewer")
    b_cio = make_member(org_b, "cio", email="cio-b@b.test")
    initiative = portfolio_services.do_create_initiative(b_cio.user, org_b, {
        "title": "B's initiative", "kind": "security", "phase": "proposed"})
    review = portfolio_services.do_open_review(b_cio.user, org_b, initiative)
    passed = portfolio_services.do_create_initiative(b_cio.user, org_b, {
        "title": "B's approved one", "kind": "security", "phase": "proposed"})
    done = portfolio_services.do_open_review(b_cio.user, org_b, passed)
    portfolio_services.do_complete_review(b_ciso.user, org_b, done, outcome="approved_with_conditions",
                                          conditions=[{"title": "B's condition"}])
    exception = portfolio_services.do_request_gate_exception(None, org_b, initiative, reasons="B's reasons")
    dsr = privacy_services.do_create_request(None, org_b, {"kind": "access", "received_on": org_today(org_b)})
    breach = privacy_services.do_open_breach(None, org_b, {"title": "B's breach",
                                                           "became_aware_at": "2026-01-05T10:00:00+00:00"})
    policy = policy_services.do_create_policy(b_ciso.user, org_b, {"title": "B's policy", "kind": "backup"},
                                              body="# B's rules")
    policy_services.do_approve_policy_version(b_ciso.user, org_b, policy, version=1)
    policy_services.do_approve_policy_version(b_cio.user, org_b, policy, version=1)
    campaign = policy_services.do_launch_attestation_campaign(None, org_b, policy, roles=["viewer"],
                                                              due_on=org_today(org_b) + dt.timedelta(days=5))
    policy_exception = policy_services.do_request_policy_exception(
        None, org_b, policy, risk, justification="B departs", expires_on=org_today(org_b) + dt.timedelta(days=9))
    activity = privacy_services.do_create_activity(None, org_b, {"name": "B's activity"})
    processor = privacy_services.do_create_processor(None, org_b, {"name": "B's processor"})
    transfer = privacy_services.do_create_transfer(None, org_b, {"processor": processor.pk, "destination": "CH"})
    audited = services_systems.do_create_system(None, org_b, {"name": "B's audited system",
                                                                "business_owner": b_ciso.user.email})
    data_audit = privacy_services.do_create_data_audit(None, org_b, {"title": "B's data audit",
                                                                     "systems": [audited.ref]})
    questionnaire = privacy_services.do_send_questionnaires(None, org_b, data_audit).sent[0]
    incident = incident_services.do_open_incident(None, org_b, {"title": "B's incident", "kind": "outage",
                                                                "became_aware_at": dt.datetime.now(dt.UTC)})
    incident_task = incident_services.do_add_incident_task(None, org_b, incident, {"title": "B's task"})
    dpia = privacy_services.do_create_dpia(None, org_b, activity, reason="B assesses")
    return {"incident": incident, "incident_task": incident_task, "data_audit": data_audit,
            "questionnaire": questionnaire, "dpia": dpia, "assessment": data_audit.assessment,
            "dsr": dsr, "breach": breach, "policy": policy, "campaign": campaign,
            "policy_exception": policy_exception, "activity": activity, "processor": processor,
            "transfer": transfer,
            "initiative": initiative, "review": review, "condition": done.conditions.get(), "exception": exception,
            "idp": idp, "risk": risk, "acceptance": acceptance, "appetite": appetite, "invitation": invitation,
            "token": token, "membership": b_ciso.membership,
            "category": RiskCategory.objects.for_org(org_b).get(key="cyber_security")}


# (service, the parameter that takes a tenant object, how to call it as A's admin with B's object)
CASES = {
    ("do_resend_invitation", "invitation"): lambda a, org, o: services.do_resend_invitation(
        a, org, o["invitation"], site_url="http://testserver"),
    ("do_revoke_invitation", "invitation"): lambda a, org, o: services.do_revoke_invitation(a, org, o["invitation"]),
    ("do_change_member", "membership"): lambda a, org, o: services.do_change_member(a, org, o["membership"],
                                                                                   role="viewer"),
    ("do_remove_member", "membership"): lambda a, org, o: services.do_remove_member(a, org, o["membership"]),
    ("do_revoke_token", "token"): lambda a, org, o: services.do_revoke_token(a, org, o["token"]),
    ("do_request_acceptance", "risk"): lambda a, org, o: risk_services.do_request_acceptance(
        a, org, o["risk"], justification="A accepts B's risk", expires_on=org_today(org) + dt.timedelta(days=9)),
    ("do_sign_acceptance", "acceptance"): lambda a, org, o: risk_services.do_sign_acceptance(a, org, o["acceptance"]),
    ("do_withdraw_acceptance", "acceptance"): lambda a, org, o: risk_services.do_withdraw_acceptance(
        a, org, o["acceptance"], reason="A withdraws B's acceptance"),
    ("do_create_token", "made_by"): lambda a, org, o: services.do_create_token(
        a, org, a, name="Made by B's token", made_by=o["token"]),
    ("do_update_category", "category"): lambda a, org, o: risk_services.do_update_category(
        a, org, o["category"], name="Taken over"),
    ("do_update_risk", "risk"): lambda a, org, o: risk_services.do_update_risk(a, org, o["risk"], {"title": "Mine"}),
    ("do_remove_member", "reassign_to"): lambda a, org, o: services.do_remove_member(
        a, org, Membership.objects.for_org(org).get(user=a), reassign_to=o["membership"]),
    ("do_hand_over_member_risks", "membership"): lambda a, org, o: risk_services.do_hand_over_member_risks(
        a, org, o["membership"], None),
    ("do_hand_over_member_risks", "reassign_to"): lambda a, org, o: risk_services.do_hand_over_member_risks(
        a, org, Membership.objects.for_org(org).get(user=a), o["membership"]),
    ("do_archive_risk", "risk"): lambda a, org, o: risk_services.do_archive_risk(a, org, o["risk"], reason="Mine"),
    ("do_restore_risk", "risk"): lambda a, org, o: risk_services.do_restore_risk(a, org, o["risk"]),
    ("do_join_through_sso", "idp"): lambda a, org, o: services.do_join_through_sso(a, org, o["idp"]),
    ("do_link_to_identity_provider", "membership"): lambda a, org, o: services.do_link_to_identity_provider(
        a, org, o["membership"], subject="b-sub", attach=lambda: None),
    ("do_update_initiative", "initiative"): lambda a, org, o: portfolio_services.do_update_initiative(
        a, org, o["initiative"], {"title": "Mine"}),
    ("do_advance_initiative", "initiative"): lambda a, org, o: portfolio_services.do_advance_initiative(
        a, org, o["initiative"], to="idea"),
    ("do_set_initiative_budget", "initiative"): lambda a, org, o: portfolio_services.do_set_initiative_budget(
        a, org, o["initiative"], year=2027, capex=1, opex=1),
    ("do_open_review", "initiative"): lambda a, org, o: portfolio_services.do_open_review(a, org, o["initiative"]),
    ("do_complete_review", "review"): lambda a, org, o: portfolio_services.do_complete_review(
        a, org, o["review"], outcome="approved"),
    ("do_close_condition", "condition"): lambda a, org, o: portfolio_services.do_close_condition(
        a, org, o["condition"]),
    ("do_request_gate_exception", "initiative"): lambda a, org, o: portfolio_services.do_request_gate_exception(
        a, org, o["initiative"], reasons="Mine"),
    ("do_sign_gate_exception", "exception"): lambda a, org, o: portfolio_services.do_sign_gate_exception(
        a, org, o["exception"]),
    ("do_withdraw_gate_exception", "exception"): lambda a, org, o: portfolio_services.do_withdraw_gate_exception(
        a, org, o["exception"]),
    ("do_hand_over_member_initiatives", "membership"): lambda a, org, o: (
        portfolio_services.do_hand_over_member_initiatives(a, org, o["membership"], None)),
    ("do_hand_over_member_initiatives", "reassign_to"): lambda a, org, o: (
        portfolio_services.do_hand_over_member_initiatives(a, org, Membership.objects.for_org(org).get(user=a),
                                                           o["membership"])),
    ("do_update_request", "request"): lambda a, org, o: privacy_services.do_update_request(
        a, org, o["dsr"], {"channel": "Mine"}),
    ("do_pause_request", "request"): lambda a, org, o: privacy_services.do_pause_request(
        a, org, o["dsr"], reason="Mine"),
    ("do_resume_request", "request"): lambda a, org, o: privacy_services.do_resume_request(a, org, o["dsr"]),
    ("do_extend_request", "request"): lambda a, org, o: privacy_services.do_extend_request(
        a, org, o["dsr"], reason="Mine"),
    ("do_close_request", "request"): lambda a, org, o: privacy_services.do_close_request(
        a, org, o["dsr"], outcome="withdrawn"),
    ("do_hand_over_member_requests", "membership"): lambda a, org, o: (
        privacy_services.do_hand_over_member_requests(a, org, o["membership"], None)),
    ("do_hand_over_member_requests", "reassign_to"): lambda a, org, o: (
        privacy_services.do_hand_over_member_requests(a, org, Membership.objects.for_org(org).get(user=a),
                                                      o["membership"])),
    ("do_update_activity", "activity"): lambda a, org, o: privacy_services.do_update_activity(
        a, org, o["activity"], {"name": "Mine"}),
    ("do_screen_activity", "activity"): lambda a, org, o: privacy_services.do_screen_activity(
        a, org, o["activity"], criteria=["large_scale"]),
    ("do_update_processor", "processor"): lambda a, org, o: privacy_services.do_update_processor(
        a, org, o["processor"], {"name": "Mine"}),
    ("do_update_transfer", "transfer"): lambda a, org, o: privacy_services.do_update_transfer(
        a, org, o["transfer"], {"recipient": "Mine"}),
    ("do_update_breach", "breach"): lambda a, org, o: privacy_services.do_update_breach(
        a, org, o["breach"], {"title": "Mine"}),
    ("do_add_breach_notification", "breach"): lambda a, org, o: privacy_services.do_add_breach_notification(
        a, org, o["breach"], {"sent_at": "2026-01-05T11:00:00+00:00", "content": "Mine"}),
    ("do_update_policy", "policy"): lambda a, org, o: policy_services.do_update_policy(
        a, org, o["policy"], {"title": "Mine"}),
    ("do_draft_policy_version", "policy"): lambda a, org, o: policy_services.do_draft_policy_version(
        a, org, o["policy"], body="# Mine"),
    ("do_approve_policy_version", "policy"): lambda a, org, o: policy_services.do_approve_policy_version(
        a, org, o["policy"], version=1),
    ("do_record_policy_review", "policy"): lambda a, org, o: policy_services.do_record_policy_review(
        a, org, o["policy"]),
    ("do_hand_over_member_policies", "membership"): lambda a, org, o: (
        policy_services.do_hand_over_member_policies(a, org, o["membership"], None)),
    ("do_hand_over_member_policies", "reassign_to"): lambda a, org, o: (
        policy_services.do_hand_over_member_policies(a, org, Membership.objects.for_org(org).get(user=a),
                                                     o["membership"])),
    ("do_launch_attestation_campaign", "policy"): lambda a, org, o: (
        policy_services.do_launch_attestation_campaign(a, org, o["policy"], roles=["viewer"],
                                                       due_on=org_today(org) + dt.timedelta(days=5))),
    ("do_acknowledge_policy", "campaign"): lambda a, org, o: policy_services.do_acknowledge_policy(
        a, org, o["campaign"]),
    ("do_remind_attestation_campaign", "campaign"): lambda a, org, o: (
        policy_services.do_remind_attestation_campaign(a, org, o["campaign"])),
    ("do_import_discovery", "data_audit"): lambda a, org, o: privacy_services.do_import_discovery(
        a, org, o["data_audit"], [(2, {"system": "S-001", "field": "email"})], filename="mine.csv"),
    ("do_send_questionnaires", "data_audit"): lambda a, org, o: privacy_services.do_send_questionnaires(
        a, org, o["data_audit"]),
    ("do_compare_data_audit", "data_audit"): lambda a, org, o: privacy_services.do_compare_data_audit(
        a, org, o["data_audit"]),
    ("do_answer_questionnaire", "questionnaire"): lambda a, org, o: privacy_services.do_answer_questionnaire(
        a, org, o["questionnaire"], {"fields": ["email"]}),
    # The other object is missing (None): only the foreign one is refused, and first.
    ("do_request_policy_exception", "policy"): lambda a, org, o: policy_services.do_request_policy_exception(
        a, org, o["policy"], None, justification="Mine", expires_on=org_today(org) + dt.timedelta(days=9)),
    ("do_request_policy_exception", "risk"): lambda a, org, o: policy_services.do_request_policy_exception(
        a, org, None, o["risk"], justification="Mine", expires_on=org_today(org) + dt.timedelta(days=9)),
    ("do_update_incident", "incident"): lambda a, org, o: incident_services.do_update_incident(
        a, org, o["incident"], {"title": "Mine"}),
    ("do_advance_incident", "incident"): lambda a, org, o: incident_services.do_advance_incident(a, org, o["incident"]),
    ("do_add_timeline_entry", "incident"): lambda a, org, o: incident_services.do_add_timeline_entry(
        a, org, o["incident"], {"text": "Mine"}),
    ("do_add_incident_task", "incident"): lambda a, org, o: incident_services.do_add_incident_task(
        a, org, o["incident"], {"title": "Mine"}),
    ("do_update_incident_task", "task"): lambda a, org, o: incident_services.do_update_incident_task(
        a, org, o["incident_task"], {"title": "Mine"}),
    ("do_log_communication", "incident"): lambda a, org, o: incident_services.do_log_communication(
        a, org, o["incident"], {"audience": "staff", "summary": "Mine"}),
    ("do_record_nis2_report", "incident"): lambda a, org, o: incident_services.do_record_nis2_report(
        a, org, o["incident"], "early_warning"),
    ("do_set_breach_awareness", "incident"): lambda a, org, o: incident_services.do_set_breach_awareness(
        a, org, o["incident"], "2026-01-01T00:00:00+00:00", reason="Mine"),
    ("do_hand_over_member_incidents", "membership"): lambda a, org, o: (
        incident_services.do_hand_over_member_incidents(a, org, o["membership"], None)),
    ("do_hand_over_member_incidents", "reassign_to"): lambda a, org, o: (
        incident_services.do_hand_over_member_incidents(a, org, Membership.objects.for_org(org).get(user=a),
                                                        o["membership"])),
    ("do_create_dpia", "activity"): lambda a, org, o: privacy_services.do_create_dpia(
        a, org, o["activity"], reason="Mine"),
    ("do_update_dpia", "dpia"): lambda a, org, o: privacy_services.do_update_dpia(
        a, org, o["dpia"], {"description": "Mine"}),
    ("do_add_dpia_risk", "dpia"): lambda a, org, o: privacy_services.do_add_dpia_risk(
        a, org, o["dpia"], {"title": "Mine", "likelihood": 2, "impact": 2}),
    ("do_submit_dpia", "dpia"): lambda a, org, o: privacy_services.do_submit_dpia(a, org, o["dpia"]),
    ("do_accept_gdpr_suggestion", "assessment"): lambda a, org, o: privacy_services.do_accept_gdpr_suggestion(
        a, org, o["assessment"], "Art.30(1)"),
    ("do_advise_dpia", "dpia"): lambda a, org, o: privacy_services.do_advise_dpia(
        a, org, o["dpia"], advice="Mine"),
    ("do_sign_dpia_decision", "dpia"): lambda a, org, o: privacy_services.do_sign_dpia_decision(
        a, org, o["dpia"], decision="approved"),
    ("do_sign_policy_exception", "exception"): lambda a, org, o: policy_services.do_sign_policy_exception(
        a, org, o["policy_exception"]),
    ("do_withdraw_policy_exception", "exception"): lambda a, org, o: (
        policy_services.do_withdraw_policy_exception(a, org, o["policy_exception"], reason="Mine")),
}


def _heads(*orgs):
    return [AuditChain.objects.for_org(org).get().last_seq for org in orgs]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}({c[1]})")
def test_a_service_refuses_an_object_of_another_organisation_naming_the_field(org_a, org_b, admin, case):
    foreign = _foreign(org_b)
    before = _heads(org_a, org_b)
    _, field = case
    with pytest.raises(ValidationError, match="belongs to another organisation") as refused:
        CASES[case](admin.user, org_a, foreign)
    assert list(refused.value.message_dict) == [field]
    assert _heads(org_a, org_b) == before, "a refused call wrote an audit event"
    assert RiskCategory.objects.for_org(org_b).get(key="cyber_security").name != "Taken over"


def _services_taking_tenant_objects():
    """(function name, parameter) of every `do_*` service of every app, acting in an organisation `org`,
    whose parameter is a tenant model."""
    found = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("accord."):
            continue
        try:
            package = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        for name, fn in inspect.getmembers(package, inspect.isfunction):
            if not name.startswith("do_"):
                continue
            hints = typing.get_type_hints(fn)
            hints.pop("return", None)
            if "org" not in hints:
                continue  # outside any organisation (accepting an invitation: its token names it)
            for param, hint in hints.items():
                kinds = typing.get_args(hint) or (hint,)
                if any(inspect.isclass(k) and issubclass(k, TenantModel) for k in kinds):
                    found.add((name, param))
    return found


def test_every_service_that_takes_a_tenant_object_is_checked_here():
    found = _services_taking_tenant_objects()
    assert ("do_update_risk", "risk") in found
    assert found - set(CASES) == set(), "call check_same_org in these services and add them to CASES"


def test_same_organisation_objects_and_empty_relations_pass(org_a, ciso):
    category = RiskCategory.objects.for_org(org_a).first()
    check_same_org(org_a, category=category, owner=ciso.membership, treatment_owner=None, organisation=org_a)


def test_every_foreign_field_is_named_at_once(org_a, org_b):
    foreign = RiskCategory.objects.for_org(org_b).first()
    with pytest.raises(ValidationError, match="belongs to another organisation") as refused:
        check_same_org(org_a, category=foreign, organisation=org_b)
    assert sorted(refused.value.message_dict) == ["category", "organisation"]
    assert "CANARYB" not in str(refused.value)  # the other organisation stays unnamed
