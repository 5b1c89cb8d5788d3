from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_follow_up_days(apps, schema_editor):
    """Cases keep their plan's follow-up interval from now on (plan services); fill the existing ones."""
    Case = apps.get_model("clients", "Case")
    CasePlan = apps.get_model("casework", "CasePlan")
    interval = CasePlan.objects.filter(case_id=OuterRef("pk")).values("follow_up_days")[:1]
    Case.objects.filter(pk__in=CasePlan.objects.values("case_id")).update(follow_up_days=Subquery(interval))


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0004_caseload_indexes"),
        ("clients", "0005_case_follow_up_days"),
    ]

    operations = [migrations.RunPython(copy_follow_up_days, migrations.RunPython.noop)]
