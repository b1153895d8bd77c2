"""Create the installation's default jurisdiction: 乌恰县 (the seed county).

Its calendar overlay starts empty: Xinjiang announces 肉孜节 and 古尔邦节 each year, and the
administrator enters them in the admin when the notice is out.
"""

from django.db import migrations

NAME = "新疆维吾尔自治区克孜勒苏柯尔克孜自治州乌恰县"


def create_default(apps, schema_editor):
    Jurisdiction = apps.get_model("clocks", "Jurisdiction")
    if not Jurisdiction.objects.filter(is_default=True).exists():
        Jurisdiction.objects.update_or_create(name=NAME, defaults={"is_default": True})


def remove_default(apps, schema_editor):
    Jurisdiction = apps.get_model("clocks", "Jurisdiction")
    Jurisdiction.objects.filter(name=NAME, is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("clocks", "0001_initial")]

    operations = [migrations.RunPython(create_default, remove_default)]
