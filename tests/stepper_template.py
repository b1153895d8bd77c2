"""The stepper's stages as the template wrote them before ``workflows.progress_html`` wrote
them in Python (issue 22). ``check`` makes every stepper a test renders compare the two: the
same markup, escaping, dates and translations, for whatever state the test drives the process
to (awaiting notices, overdue clocks, holders, skipped stages)."""

from django.template import engines

from workflows import progress_html

LOOP = """{% load i18n clock_tags staff_tags %}{% for s in progress.stages %}
    <li class="fz-step fz-step--{{ s.state }}" data-testid="progress-stage" data-stage="{{ s.key }}" data-state="{{ s.state }}"{% if s.aria_current %} aria-current="step"{% endif %}>
      <span class="fz-step__marker" aria-hidden="true">{% if s.is_done %}✓{% elif s.state == 'skipped' %}–{% else %}{{ forloop.counter }}{% endif %}</span>
      <div class="fz-step__body">
        <span class="fz-step__name">{{ s.name }}</span>
        <span class="fz-step__state">{{ s.state_label }}</span>
        {% if s.is_done and s.done_at or s.is_done and s.done_by %}<div class="fz-step__done" data-testid="stage-done">{% if s.done_at %}{% if s.done_is_datetime %}<time datetime="{{ s.done_at|date:'c' }}">{{ s.done_at|minute }}</time>{% else %}<time datetime="{{ s.done_at|date:'Y-m-d' }}">{{ s.done_at|date:'Y-m-d' }}</time>{% endif %}{% endif %}{% if s.done_by %} · <span data-testid="stage-done-by">{{ s.done_by }}</span>{% endif %}</div>{% endif %}
        {% if s.is_current %}
          {% if s.holders %}<ul class="fz-step__holders">{% for h in s.holders %}
            <li data-testid="stage-holder" data-held="{{ h.held|yesno:'true,false' }}">{% if h.url %}<a href="{{ h.url }}">{{ h.work }}</a>{% else %}{{ h.work }}{% endif %}:
              {% if h.held %}{% translate 'held by' context 'progress' %} <strong data-testid="holder-person">{{ h.person }}</strong>{% elif h.offered_to %}{% translate 'offered to' context 'progress' %} <span data-testid="holder-offer">{{ h.offered_to|join:'、' }}</span>{% else %}{% translate 'runs by itself' context 'progress' %}{% endif %}</li>
          {% endfor %}</ul>{% endif %}
          {% for c in s.clocks %}<div class="fz-step__clock{% if c.overdue %} fz-overdue{% endif %}" data-testid="stage-clock" data-rule="{{ c.deadline.rule_key }}" data-due="{{ c.due|date:'Y-m-d' }}"{% if c.awaiting_year %} data-awaiting="{{ c.awaiting_year }}"{% endif %}>
            {% if c.description %}{% translate c.description %}: {% endif %}{% if c.due %}{% translate 'due on' context 'progress' %} {% deadline_due c.deadline %}{% if c.overdue %} ({% translate 'overdue' context 'progress' %}){% endif %}{% else %}{% deadline_due c.deadline %}{% endif %}
            · {% translate 'responsible' context 'progress' %}: {{ c.responsible }}
            <br><small>{% translate 'Legal source of the time limit' context 'progress' %}: <span data-testid="clock-source">{{ c.legal_source }}</span></small></div>
          {% empty %}<div class="fz-step__clock" data-testid="stage-no-clock"><small>{% translate 'No statutory time limit for this stage.' context 'progress' %}</small></div>{% endfor %}
        {% endif %}
        {% if s.note %}<div class="fz-step__note">{{ s.note }}</div>{% endif %}
        {% if s.source and not s.state == 'skipped' %}<div class="fz-step__source"><small>{{ s.source }}</small></div>{% endif %}
      </div>
    </li>
  {% endfor %}"""  # noqa: E501


def check(monkeypatch) -> list:
    """Wrap ``stages_html`` so that each call asserts it equals the template's loop; returns the
    list of the stages compared (a test may assert that something was)."""
    written = progress_html.stages_html
    template = engines["django"].from_string(LOOP)
    compared: list = []

    def stages_html(stages):
        html = written(stages)
        assert str(html) == template.render({"progress": {"stages": stages}})
        compared.extend(stages)
        return html

    monkeypatch.setattr(progress_html, "stages_html", stages_html)
    return compared
