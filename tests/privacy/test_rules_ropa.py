"""The Art. 30 completeness check (pure): a record names each missing item with its article; transfers need a
lawful mechanism checked against the adequacy list; the register's share complete."""

import dataclasses
import datetime

import pytest

from accord.privacy.rules_ropa import (
    Completeness,
    ControllerRecord,
    DataCategory,
    Gap,
    Party,
    ProcessorRecord,
    Purpose,
    Recipient,
    Transfer,
    check_controller,
    check_processor,
    share_complete,
    transfer_issues,
)

ON = datetime.date(2026, 6, 1)
US = Transfer("US", "adequacy", in_scope=True)


def complete_record(**changes):
    record = ControllerRecord(
        controller=Party("Hospital group", "dpo@example.org"),
        purposes=(Purpose("Patient care", "c"),),
        data_subjects=("Patients",),
        data_categories=(DataCategory("Health data", special=True, art9_condition="h"),),
        recipients=(Recipient("Laboratories"), Recipient("Cloud provider", "US")),
        transfers=(US,),
        retention="20 years after the last visit",
        security="Encryption at rest, role-based access",
    )
    return dataclasses.replace(record, **changes)


def items(result):
    return [(gap.item, gap.article, gap.detail) for gap in result.missing]


def test_a_complete_controller_record_lacks_nothing():
    result = check_controller(complete_record(), ON)
    assert result.complete and result.missing == () and result.gaps == ()


def test_an_empty_controller_record_names_every_item_in_the_article_order():
    result = check_controller(ControllerRecord(controller=Party()), ON)
    assert [(g.item, g.article) for g in result.missing] == [
        ("controller", "30(1)(a)"), ("purposes", "30(1)(b)"), ("data_subjects", "30(1)(c)"),
        ("data_categories", "30(1)(c)"), ("recipients", "30(1)(d)"), ("retention", "30(1)(f)"),
        ("security", "30(1)(g)")]


def test_contact_details_are_part_of_the_controller_item():
    assert items(check_controller(complete_record(controller=Party("Hospital group", " ")), ON)) == [
        ("controller", "30(1)(a)", "")]


def test_the_where_applicable_parties_are_asked_only_when_they_apply():
    assert check_controller(complete_record(joint_controller=None, dpo=None), ON).complete
    result = check_controller(complete_record(joint_applies=True, representative_applies=True, dpo_applies=True,
                                              dpo=Party("DPO", "")), ON)
    assert [g.item for g in result.missing] == ["joint_controller", "representative", "dpo"]
    full = complete_record(joint_applies=True, joint_controller=Party("University", "legal@example.edu"),
                           dpo_applies=True, dpo=Party("DPO office", "dpo@example.org"))
    assert check_controller(full, ON).complete


def test_declaring_no_recipients_answers_the_recipients_item():
    record = complete_record(recipients=(), transfers=(), no_recipients=True)
    assert check_controller(record, ON).complete
    assert [g.item for g in check_controller(complete_record(recipients=(), transfers=()), ON).missing] == [
        "recipients"]


def test_retention_per_category_answers_when_every_category_has_one():
    categories = (DataCategory("Identity", retention="5 years"), DataCategory("Billing", retention="10 years"))
    assert check_controller(complete_record(retention="", data_categories=categories), ON).complete
    one_short = (categories[0], DataCategory("Billing"))
    assert [g.item for g in check_controller(complete_record(retention="", data_categories=one_short), ON).missing
            ] == ["retention"]


def test_linked_controls_describe_the_security_measures():
    assert check_controller(complete_record(security="", security_controls=2), ON).complete


def test_a_recipient_in_a_third_country_without_a_transfer_is_named():
    result = check_controller(complete_record(transfers=()), ON)
    assert items(result) == [("transfers", "30(1)(e)", "Cloud provider: US: no transfer recorded")]


def test_a_recipient_in_the_eea_needs_no_transfer():
    record = complete_record(recipients=(Recipient("Insurer", "de"),), transfers=())
    assert check_controller(record, ON).complete


def test_a_transfer_without_a_mechanism_is_named():
    record = complete_record(transfers=(Transfer("US"),))
    assert items(check_controller(record, ON)) == [("transfers", "30(1)(e)", "US: mechanism")]


def test_a_missing_impact_assessment_does_not_make_the_record_incomplete():
    record = complete_record(transfers=(Transfer("US", "scc", scc_module=2),))
    assert check_controller(record, ON).complete


def test_the_art6_and_art9_gaps_are_listed_beside_and_do_not_decide_completeness():
    record = complete_record(
        purposes=(Purpose("Care"), Purpose("Fundraising", "f"), Purpose("Research", "f", interests_assessed=True)),
        data_categories=(DataCategory("Diagnoses", special=True), DataCategory("Identity")))
    result = check_controller(record, ON)
    assert result.complete
    assert result.gaps == (Gap("legal_basis", "6(1)", "Care"), Gap("interests_assessment", "6(1)(f)", "Fundraising"),
                           Gap("art9_condition", "9(2)", "Diagnoses"))


def test_an_unknown_legal_basis_is_a_gap():
    result = check_controller(complete_record(purposes=(Purpose("Care", "g"),)), ON)
    assert [g.item for g in result.gaps] == ["legal_basis"]


@pytest.mark.parametrize(("transfer", "issues"), [
    (Transfer(""), ("destination",)),
    (Transfer("FR", "scc"), ("within_eea",)),
    (Transfer("US"), ("mechanism",)),
    (Transfer("US", "carrier pigeon"), ("mechanism",)),
    (Transfer("CH", "adequacy"), ()),
    (Transfer("BR", "adequacy"), ("no_adequacy",)),
    (Transfer("US", "adequacy"), ("scope",)),
    (Transfer("US", "adequacy", in_scope=True), ()),
    (Transfer("IN", "scc"), ("scc_module", "impact_assessment")),
    (Transfer("IN", "scc", scc_module=5, impact_assessed=True), ("scc_module",)),
    (Transfer("IN", "scc", scc_module=4, impact_assessed=True), ()),
    (Transfer("IN", "bcr"), ("impact_assessment",)),
    (Transfer("IN", "derogation"), ("derogation",)),
    (Transfer("IN", "derogation", derogation="b"), ()),
    (Transfer("IN", "derogation", derogation="second_subparagraph"), ("safeguards",)),
    (Transfer("IN", "derogation", derogation="second_subparagraph", safeguards="Pseudonymised, one-off"), ()),
])
def test_what_a_transfer_still_needs(transfer, issues):
    assert transfer_issues(transfer, ON) == issues


def test_an_adequacy_decision_counts_only_from_its_date():
    assert transfer_issues(Transfer("KR", "adequacy", in_scope=True), datetime.date(2021, 12, 16)) == (
        "no_adequacy",)
    assert transfer_issues(Transfer("KR", "adequacy", in_scope=True), datetime.date(2021, 12, 17)) == ()


def test_an_empty_processor_record_names_every_item():
    result = check_processor(ProcessorRecord(processor=Party()), ON)
    assert [(g.item, g.article) for g in result.missing] == [
        ("processor", "30(2)(a)"), ("controllers", "30(2)(a)"), ("processing_categories", "30(2)(b)"),
        ("security", "30(2)(d)")]


def test_a_processor_record_names_each_controller_without_contact_details():
    record = ProcessorRecord(processor=Party("Payroll bureau", "privacy@example.com"),
                             controllers=(Party("Retailer", "dpo@example.com"), Party("Fintech")),
                             processing_categories=("Payroll",), transfers=(Transfer("IN", "scc", scc_module=3),),
                             security="ISO 27001 certified", dpo_applies=True)
    assert items(check_processor(record, ON)) == [("controllers", "30(2)(a)", "Fintech"), ("dpo", "30(2)(a)", "")]


def test_a_complete_processor_record_lacks_nothing():
    record = ProcessorRecord(processor=Party("Payroll bureau", "privacy@example.com"),
                             controllers=(Party("Retailer", "dpo@example.com"),), processing_categories=("Payroll",),
                             security_controls=1)
    assert check_processor(record, ON).complete


def test_the_share_complete_rounds_down():
    done, short = Completeness(()), Completeness((Gap("purposes", "30(1)(b)"),))
    assert share_complete([done, done, short]).percent == 66
    assert share_complete([done] * 199 + [short]).percent == 99
    assert (share_complete([]).percent, share_complete([short]).percent) == (100, 0)
    assert share_complete([done, short]).complete == 1
