from django.db import migrations, models
from django.db.models.functions import TruncDate


def issued_on_from_created_at(apps, schema_editor):
    """Notices made before this field were dated the day they were made (Beijing time)."""
    Notice = apps.get_model("reports", "Notice")
    Notice.objects.update(issued_on=TruncDate("created_at", tzinfo=None))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_ledger_import_status_choices"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="issued_on",
            field=models.DateField(null=True, verbose_name="发文日期"),
        ),
        migrations.RunPython(issued_on_from_created_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="notice",
            name="issued_on",
            field=models.DateField(verbose_name="发文日期"),
        ),
        migrations.AddField(
            model_name="notice",
            name="catch_up",
            field=models.BooleanField(
                db_default=False, default=False, help_text="晚于应发日期发出。", verbose_name="补发"
            ),
        ),
        migrations.AddField(
            model_name="notice",
            name="skipped",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="停运后补发时已由更高一级的通知取代，不再发出。",
                verbose_name="未发出",
            ),
        ),
        migrations.AddField(
            model_name="notice",
            name="hazard_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("registered", "已登记"),
                    ("rectifying", "整改中"),
                    ("awaiting_recheck", "待复查"),
                    ("rechecked", "已复查"),
                    ("closed", "已销号"),
                ],
                db_default="",
                max_length=20,
                verbose_name="发文时整改状态",
            ),
        ),
        migrations.AlterField(
            model_name="notice",
            name="body",
            field=models.TextField(blank=True, verbose_name="内容"),
        ),
    ]
