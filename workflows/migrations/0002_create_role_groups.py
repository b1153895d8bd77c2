from django.db import migrations

# Frozen copy of workflows.roles.ROLES at the time of this migration: a migration must not
# change meaning when the code moves on.
ROLE_GROUPS = [
    "drafter",
    "unit_head",
    "legal_advisor",
    "expert",
    "risk_assessor",
    "meeting_secretary",
    "meeting_member",
    "principal",
    "publisher",
    "filing_reviewer",
    "archivist",
    "administrator",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
