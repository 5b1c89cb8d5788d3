"""Matching facts: one short row per service for the ranking (see models.ServiceFacts), filled here
for the services already in the directory; service categories indexed by term and service
(covering), instead of by term alone."""

import django.db.models.deletion
from django.db import migrations, models


def fill_facts(apps, schema_editor):
    from caseway.directory.facts import refresh_facts

    refresh_facts(None, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_schedule_openings"),
        ("orgs", "0003_data_sharing_agreement"),
    ]

    operations = [
        migrations.CreateModel(
            name="ServiceFacts",
            fields=[
                (
                    "service",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="facts",
                        serialize=False,
                        to="directory.service",
                    ),
                ),
                ("name", models.CharField(max_length=300)),
                ("status", models.CharField(max_length=20)),
                ("sex_eligibility", models.CharField(max_length=10)),
                ("minimum_age", models.PositiveSmallIntegerField(null=True)),
                ("maximum_age", models.PositiveSmallIntegerField(null=True)),
                ("accepting_referrals", models.BooleanField()),
                ("provides_childcare", models.BooleanField()),
                ("provides_transport", models.BooleanField()),
                ("interpretation", models.BooleanField()),
                ("areas", models.TextField()),
                ("parent_areas", models.TextField()),
                ("countries", models.TextField()),
                ("remote", models.BooleanField()),
                ("located", models.PositiveIntegerField()),
                ("latitude", models.DecimalField(decimal_places=7, max_digits=10, null=True)),
                ("longitude", models.DecimalField(decimal_places=7, max_digits=10, null=True)),
                ("languages", models.TextField()),
                ("features", models.TextField()),
                ("places", models.DecimalField(decimal_places=2, max_digits=12, null=True)),
                ("waiting", models.DecimalField(decimal_places=2, max_digits=12, null=True)),
            ],
            options={
                "verbose_name_plural": "service facts",
            },
        ),
        migrations.AlterField(
            model_name="serviceterm",
            name="taxonomy_term",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="service_terms",
                to="directory.taxonomyterm",
            ),
        ),
        migrations.AddIndex(
            model_name="serviceterm",
            index=models.Index(fields=["taxonomy_term", "service"], name="directory_serviceterm_term"),
        ),
        migrations.AddField(
            model_name="servicefacts",
            name="organization",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="orgs.organization"
            ),
        ),
        migrations.RunPython(fill_facts, migrations.RunPython.noop, elidable=True),
    ]
