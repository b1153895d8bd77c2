# Issue 22: a review office's decisions list read "the decisions of its governments with a
# legality review" by joining every decision of the government (a sequential scan of 100,000
# decisions for 12,480 reviews). Each review now carries its decision's government, read
# through an index on (government, decision).
#
# On PostgreSQL the copy is kept by the database, whoever writes the rows (the service, a bulk
# import, COPY): a trigger sets it from the decision on every insert and on any change of the
# review's decision or government, and a trigger on the decision carries a change of its
# government over to its reviews. Existing reviews are filled here. SQLite (the embedded
# default) migrates without the triggers: visibility there still joins the decision.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

CREATE = """
CREATE OR REPLACE FUNCTION decisions_legalityreview_government_set() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.government_id := (
        SELECT d.government_id FROM decisions_decision d WHERE d.id = NEW.decision_id
    );
    RETURN NEW;
END;
$$;
CREATE TRIGGER decisions_legalityreview_government
    BEFORE INSERT OR UPDATE OF decision_id, government_id ON decisions_legalityreview
    FOR EACH ROW EXECUTE FUNCTION decisions_legalityreview_government_set();

CREATE OR REPLACE FUNCTION decisions_decision_government_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE decisions_legalityreview SET government_id = NEW.government_id
        WHERE decision_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER decisions_decision_government_follow
    AFTER UPDATE OF government_id ON decisions_decision
    FOR EACH ROW WHEN (OLD.government_id IS DISTINCT FROM NEW.government_id)
    EXECUTE FUNCTION decisions_decision_government_follow();
"""

DROP = """
DROP TRIGGER IF EXISTS decisions_decision_government_follow ON decisions_decision;
DROP FUNCTION IF EXISTS decisions_decision_government_follow();
DROP TRIGGER IF EXISTS decisions_legalityreview_government ON decisions_legalityreview;
DROP FUNCTION IF EXISTS decisions_legalityreview_government_set();
"""


def fill(apps, schema_editor):
    LegalityReview = apps.get_model("decisions", "LegalityReview")
    Decision = apps.get_model("decisions", "Decision")
    LegalityReview.objects.update(
        government_id=Subquery(
            Decision.objects.filter(pk=OuterRef("decision_id")).values("government_id")[:1]
        )
    )


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def analyze(apps, schema_editor):
    # Every review was just rewritten: the planner learns the new column's values now, not
    # at autovacuum's next pass (which also sets the visibility map an index-only scan reads).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE decisions_legalityreview", params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0009_decision_government_stage_idx"),
        ("workflows", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="legalityreview",
            name="government",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="workflows.unit",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(install, uninstall),
        migrations.AddIndex(
            model_name="legalityreview",
            index=models.Index(
                fields=["government", "decision"], name="legalityreview_government_idx"
            ),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
