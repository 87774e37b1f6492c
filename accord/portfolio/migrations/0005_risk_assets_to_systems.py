"""The register's free-text affected assets become links to systems (decision 0047): each entry of a risk's
`affected_assets` that names a system of its organisation (case and runs of spaces ignored,
`rules.system_name_key`) becomes a link from the risk to that system and leaves the text; the others stay as
text, listed for review on the inventory's review page. The services apply the same rule whenever a system
is added or renamed, so names typed before their system existed are linked when it does."""

from django.db import migrations


def _key(name):
    return " ".join(str(name).split()).casefold()


def assets_to_links(apps, schema_editor):
    Risk = apps.get_model("risks", "Risk")
    System = apps.get_model("portfolio", "System")
    RiskSystem = apps.get_model("portfolio", "RiskSystem")
    systems = {}
    for org_id, pk, name in System._default_manager.values_list("organization_id", "pk", "name"):
        systems.setdefault(org_id, {})[_key(name)] = pk
    if not systems:
        return
    for risk in Risk._default_manager.filter(organization_id__in=list(systems)).exclude(affected_assets=[]):
        names = systems[risk.organization_id]
        linked, rest = [], []
        for text in risk.affected_assets or []:
            pk = names.get(_key(text))
            if pk is None:
                rest.append(text)
            elif pk not in linked:
                linked.append(pk)
        if not linked:
            continue
        for pk in linked:
            RiskSystem._default_manager.get_or_create(organization_id=risk.organization_id, risk_id=risk.pk,
                                                      system_id=pk)
        risk.affected_assets = rest
        risk.save(update_fields=["affected_assets"])


def links_to_assets(apps, schema_editor):
    """The way back: each linked system's name returns to the risk's affected assets."""
    RiskSystem = apps.get_model("portfolio", "RiskSystem")
    for link in RiskSystem._default_manager.select_related("risk", "system").order_by("risk_id", "pk"):
        risk = link.risk
        if _key(link.system.name) not in {_key(t) for t in risk.affected_assets or []}:
            risk.affected_assets = [*(risk.affected_assets or []), link.system.name]
            risk.save(update_fields=["affected_assets"])


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0004_systems")]

    operations = [migrations.RunPython(assets_to_links, links_to_assets)]
