"""The real deadline rules Caseway ships, each citing its source. Other forums' rules are entered
as data by the network's legal leads (and the demo's fictional ones by seed_demo)."""

import datetime

from django.db import migrations

JURISDICTIONS = [
    {
        "code": "echr",
        "name": "European Court of Human Rights",
        "country": "",
        "forum": "regional_court",
        "non_working_weekdays": [5, 6],
        "holiday_country": "",
    },
    {
        "code": "iachr",
        "name": "Inter-American Commission on Human Rights",
        "country": "",
        "forum": "regional_commission",
        "non_working_weekdays": [5, 6],
        "holiday_country": "",
    },
]
NOT_EXTENDED = (
    " A time-limit ending on a Saturday, Sunday or holiday is not extended (Sabri Güneş v. Turkey [GC],"
    " no. 27396/06, 29 June 2012): Caseway rolls the deadline back to the working day before."
)
RULES = [
    {
        "code": "echr-application-4-months",
        "jurisdiction": "echr",
        "trigger": "final_domestic_decision",
        "name": "Lodge the application with the Court",
        "offset": 4,
        "unit": "months",
        "roll": "backward",
        "trigger_day_counts": False,
        "valid_from": datetime.date(2022, 2, 1),
        "valid_until": None,
        "source": "European Convention on Human Rights, Article 35 § 1, as amended by Protocol No. 15: four months"
        " from the date of the final domestic decision, for final decisions taken on or after 1 February 2022."
        + NOT_EXTENDED,
    },
    {
        "code": "echr-application-6-months",
        "jurisdiction": "echr",
        "trigger": "final_domestic_decision",
        "name": "Lodge the application with the Court",
        "offset": 6,
        "unit": "months",
        "roll": "backward",
        "trigger_day_counts": False,
        "valid_from": None,
        "valid_until": datetime.date(2022, 1, 31),
        "source": "European Convention on Human Rights, Article 35 § 1 before Protocol No. 15: six months from the"
        " date of the final domestic decision, for final decisions taken before 1 February 2022." + NOT_EXTENDED,
    },
    {
        "code": "iachr-petition-6-months",
        "jurisdiction": "iachr",
        "trigger": "final_decision_notified",
        "name": "Lodge the petition with the Commission",
        "offset": 6,
        "unit": "months",
        "roll": "backward",
        "trigger_day_counts": False,
        "valid_from": None,
        "valid_until": None,
        "source": "American Convention on Human Rights, Article 46(1)(b); Rules of Procedure of the Inter-American"
        " Commission on Human Rights, Article 32(1): six months from the date the alleged victim was notified of the"
        " decision that exhausted domestic remedies. Caseway rolls a deadline on a non-working day back to the"
        " working day before, the safe side.",
    },
]


def ship(apps, schema_editor):
    Jurisdiction = apps.get_model("legal", "Jurisdiction")
    DeadlineRule = apps.get_model("legal", "DeadlineRule")
    by_code = {}
    for values in JURISDICTIONS:
        code = values["code"]
        by_code[code], _created = Jurisdiction.objects.update_or_create(
            code=code, defaults={key: value for key, value in values.items() if key != "code"}
        )
    for values in RULES:
        defaults = {key: value for key, value in values.items() if key not in {"code", "jurisdiction"}}
        DeadlineRule.objects.update_or_create(
            code=values["code"], defaults={**defaults, "jurisdiction": by_code[values["jurisdiction"]]}
        )


def unship(apps, schema_editor):
    apps.get_model("legal", "DeadlineRule").objects.filter(code__in=[rule["code"] for rule in RULES]).delete()
    apps.get_model("legal", "Jurisdiction").objects.filter(code__in=[item["code"] for item in JURISDICTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_jurisdictions_and_rules")]

    operations = [migrations.RunPython(ship, unship)]
