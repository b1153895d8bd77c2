"""A decision's stage and outcome labels (workflows.choices) are Django's own labels, in the
language active at each call, and a value outside the choices is shown as it is."""

import pytest
from django.utils import translation

from decisions.models import Decision, Outcome, Stage


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_stage_and_outcome_reads_its_label_in_the_active_language(language):
    with translation.override(language):
        for value, label in Stage.choices:
            assert Decision(stage=value).get_stage_display() == str(label)
        for value, label in Outcome.choices:
            assert Decision(outcome=value).get_outcome_display() == str(label)


def test_the_label_follows_the_language_switched_between_calls():
    decision = Decision(stage=Stage.LEGALITY_REVIEW)
    with translation.override("zh-hans"):
        chinese = decision.get_stage_display()
    with translation.override("en"):
        english = decision.get_stage_display()
    with translation.override("zh-hans"):
        again = decision.get_stage_display()
    assert chinese == again == "合法性审查"
    assert english == "Legality review"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_labels_are_what_djangos_own_display_answers(language):
    with translation.override(language):
        for name in ("stage", "outcome"):
            field = Decision._meta.get_field(name)
            for value in [*(v for v, _label in field.flatchoices), "no_such_value"]:
                decision = Decision(**{name: value})
                ours = getattr(decision, f"get_{name}_display")()
                assert ours == decision._get_FIELD_display(field)


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Decision(stage="no_such_stage").get_stage_display() == "no_such_stage"
