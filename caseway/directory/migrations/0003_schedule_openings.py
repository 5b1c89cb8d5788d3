"""Precomputed weekly openings for the open-now filter; indexes for the directory search (partial
ones on schedules' rarely set links, services in name order, languages covering, none on status)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_openings(apps, schema_editor):
    from caseway.directory.schedules import refresh_openings

    refresh_openings(None, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_caseway_taxonomy"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScheduleOpening",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("clock", models.PositiveSmallIntegerField(choices=[(0, "UTC"), (1, "settings.TIME_ZONE")])),
                ("start_second", models.IntegerField()),
                ("end_second", models.IntegerField()),
                ("first_week", models.IntegerField()),
                ("last_week", models.IntegerField()),
            ],
        ),
        migrations.AlterField(
            model_name="schedule",
            name="location",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="schedules",
                to="directory.location",
            ),
        ),
        migrations.AlterField(
            model_name="schedule",
            name="service_at_location",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="schedules",
                to="directory.serviceatlocation",
            ),
        ),
        migrations.AddIndex(
            model_name="schedule",
            index=models.Index(
                condition=models.Q(("location__isnull", False)), fields=["location"], name="directory_schedule_location"
            ),
        ),
        migrations.AddIndex(
            model_name="schedule",
            index=models.Index(
                condition=models.Q(("service_at_location__isnull", False)),
                fields=["service_at_location"],
                name="directory_schedule_link",
            ),
        ),
        migrations.RemoveIndex(model_name="service", name="directory_s_status_fb57c3_idx"),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["name", "id"], name="directory_service_by_name"),
        ),
        migrations.RemoveIndex(model_name="language", name="directory_l_code_f6db72_idx"),
        migrations.AddIndex(
            model_name="language",
            index=models.Index(fields=["code", "service", "location"], name="directory_language_code"),
        ),
        migrations.AddField(
            model_name="scheduleopening",
            name="schedule",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="openings", to="directory.schedule"
            ),
        ),
        migrations.AddField(
            model_name="scheduleopening",
            name="service",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="openings",
                to="directory.service",
            ),
        ),
        migrations.AddField(
            model_name="scheduleopening",
            name="service_at_location",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="directory.serviceatlocation",
            ),
        ),
        migrations.AddIndex(
            model_name="scheduleopening",
            index=models.Index(
                fields=["service", "start_second", "end_second", "clock", "first_week", "last_week"],
                name="directory_opening_service",
            ),
        ),
        migrations.AddIndex(
            model_name="scheduleopening",
            index=models.Index(
                fields=["start_second", "end_second", "clock", "first_week", "last_week", "service"],
                name="directory_opening_now",
            ),
        ),
        migrations.RunPython(fill_openings, migrations.RunPython.noop, elidable=True),
    ]
