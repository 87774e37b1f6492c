"""Each risk's treatment effect (the two fields decision 0006 called temporary) becomes one implemented
"treatment" control linked to that risk with the same effect (decision 0044); the fields are then removed
by the risk app's next migration."""

from django.db import migrations


def treatment_controls(apps, schema_editor):
    """One control per risk with a recorded treatment effect, numbered after the organisation's controls;
    the effect is copied digit for digit (a missing share is no effect: 0), so the money figures do not move."""
    Risk = apps.get_model("risks", "Risk")
    Control = apps.get_model("compliance", "Control")
    ControlRisk = apps.get_model("compliance", "ControlRisk")
    risks = (Risk._default_manager.filter(treatment_frequency_reduction__isnull=False)
             | Risk._default_manager.filter(treatment_loss_reduction__isnull=False))
    numbers = {}
    for risk in risks.order_by("organization_id", "number"):
        org = risk.organization_id
        if org not in numbers:
            last = Control._default_manager.filter(organization_id=org).order_by("-number").first()
            numbers[org] = last.number if last else 0
        numbers[org] += 1
        control = Control._default_manager.create(
            organization_id=org, number=numbers[org], name=f"Treatment of R-{risk.number:03d}: {risk.title}"[:200],
            description=(risk.treatment_plan or "")
            + ("\n\n" if risk.treatment_plan else "")
            + "Recorded as the risk's treatment effect before controls existed.",
            kind="process", owner_id=risk.treatment_owner_id or risk.owner_id, status="implemented",
        )
        ControlRisk._default_manager.create(
            organization_id=org, control=control, risk=risk,
            frequency_reduction=risk.treatment_frequency_reduction or 0,
            loss_reduction=risk.treatment_loss_reduction or 0,
        )


def back_to_fields(apps, schema_editor):
    """The way back: a treatment control's effect returns to its risk's fields (the controls stay)."""
    ControlRisk = apps.get_model("compliance", "ControlRisk")
    links = ControlRisk._default_manager.filter(control__name__startswith="Treatment of R-").select_related("risk")
    for link in links:
        risk = link.risk
        risk.treatment_frequency_reduction = link.frequency_reduction
        risk.treatment_loss_reduction = link.loss_reduction
        risk.save(update_fields=["treatment_frequency_reduction", "treatment_loss_reduction"])


class Migration(migrations.Migration):

    dependencies = [
        ("compliance", "0002_controls"),
        ("risks", "0009_privacy_categories_and_the_dpo_slot"),
    ]

    operations = [migrations.RunPython(treatment_controls, back_to_fields)]
