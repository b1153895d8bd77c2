from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Shared machinery")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from .permissions import forget_group_names_on_change

        _title_flow_nodes_by_their_title()
        _translate_derived_names()
        _name_groups_and_permissions()
        _name_third_party_apps()
        _label_viewflow_columns()
        m2m_changed.connect(
            forget_group_names_on_change,
            sender=get_user_model().groups.through,
            dispatch_uid="workflows.forget_group_names",
        )
        _keep_undated_tasks()
        _compose_task_rows()


def _compose_task_rows():
    """viewflow's task rows of a flow that asks for it (``task_rows_composed = True``) are
    written by statements composed and planned once (``workflows.rowwrites``): a transition
    writes three or four of them. Other flows' tasks are saved as viewflow saves them."""
    from viewflow.workflow.models import Task

    from .rowwrites import install

    install(Task, when=_task_rows_composed)


def _task_rows_composed(task) -> bool:
    flow_task = task.flow_task
    return flow_task is not None and getattr(flow_task.flow_class, "task_rows_composed", False)


def _keep_undated_tasks():
    """The grouped inbox's tasks without a due date are kept as rows, recomputed where a task
    or a clock changes (``workflows.inbox.undated``)."""
    from django.db.models.signals import post_save
    from viewflow.workflow.models import Task

    from .clocks.models import Deadline
    from .clocks.signals import deadlines_opened
    from .inbox import undated

    post_save.connect(undated.task_saved, sender=Task, dispatch_uid="workflows.undated_task")
    post_save.connect(
        undated.deadline_saved, sender=Deadline, dispatch_uid="workflows.undated_deadline"
    )
    deadlines_opened.connect(undated.deadlines_opened, dispatch_uid="workflows.undated_opened")


def _title_flow_nodes_by_their_title():
    """viewflow prints a flow node by its attribute name (``draft`` → "Draft") wherever a
    template shows the node itself (the process page's task list, the decision page's open
    steps); its ``task_title`` is the translated name the flow gives it (issue 18)."""
    from viewflow.workflow.base import Node

    if getattr(Node.__str__, "fazhi_titled", False):
        return
    by_name = Node.__str__

    def node_str(self) -> str:
        return str(self.task_title) if self.task_title else by_name(self)

    node_str.fazhi_titled = True
    Node.__str__ = node_str


def _name_third_party_apps():
    """Libraries that leave their application unnamed are shown in the admin by their label
    ("Axes", "Guardian"): name them in the reader's language (issue 18)."""
    from django.apps import apps

    names = {
        "axes": _("Login security"),
        "guardian": _("Object permissions"),
        "viewflow_base": _("Workflow engine"),
        "rest_framework": _("Programming interface"),
        "authtoken": _("Interface tokens"),
        "drf_spectacular": _("Interface description"),
        "drf_spectacular_sidecar": _("Interface description files"),
        "humanize": _("Readable formats"),
    }
    for label, name in names.items():
        config = apps.app_configs.get(label)
        if config is not None:
            config.verbose_name = name


def _label_viewflow_columns():
    """viewflow's process and task lists head the columns it leaves unlabelled by their
    attribute names ("Process id", "Brief", "Active tasks"): give them translated labels."""
    from viewflow.workflow.flow.views import dashboard
    from viewflow.workflow.flow.views import list as lists
    from viewflow.workflow.models import Process, Task

    labels = [
        (dashboard.DashboardProcessListView.process_id, _("Process no.")),
        (dashboard.DashboardProcessListView.active_tasks, _("Active tasks")),
        (dashboard.DashboardTaskListView.process_summary, _("Process")),
        (lists.FlowArchiveListView.process_summary, _("Process")),
        (lists.WorkflowTaskListView.process_brief, _("Process")),
        (Process.brief.fget, _("Summary")),
        (Task.brief.fget, _("Summary")),
    ]
    for column, label in labels:
        if not hasattr(column, "short_description"):
            column.short_description = label


# The applications whose models are ours: their fields and models left without a verbose name
# are named through the catalogue (context "model field" / "model").
OUR_APPS = ("workflows", "consultations", "clocks", "record", "archive", "decisions", "normdocs")
# Libraries whose models' names the admin shows untranslated (guardian's object permissions).
NAMED_THIRD_PARTY_APPS = ("guardian",)


def _translate_derived_names():
    """A field declared without ``verbose_name`` is labelled by Django with its attribute name
    ("decided by"), which no catalogue translates: the admin and viewflow's pages showed those
    words in English (issue 18). Each such label is passed through the catalogue here, under the
    context "model field", as are the names of models without a Meta ``verbose_name`` ("model").
    Migrations are unaffected: they keep the name as declared (``Field._verbose_name``,
    ``Options.original_attrs``)."""
    from django.apps import apps
    from django.utils.translation import pgettext_lazy

    for label in (*OUR_APPS, *NAMED_THIRD_PARTY_APPS):
        config = apps.app_configs.get(label)
        if config is None:
            continue
        for model in config.get_models():
            opts = model._meta
            if "verbose_name" not in opts.original_attrs and isinstance(opts.verbose_name, str):
                opts.verbose_name = pgettext_lazy("model", opts.verbose_name)
                opts.verbose_name_plural = pgettext_lazy("model", opts.verbose_name_plural)
            for field in [*opts.local_fields, *opts.local_many_to_many, *opts.private_fields]:
                if getattr(field, "_verbose_name", "") is None and isinstance(
                    field.verbose_name, str
                ):
                    field.verbose_name = pgettext_lazy("model field", field.verbose_name)


def _name_groups_and_permissions():
    """Role groups are named by their codes (``meeting_member``) and Django stores permission
    names in English ("Can add decision", "Act as drafter for this unit"): the admin's user,
    group and permission pages print them by their label in the reader's language instead
    (``workflows.roles.ROLES``; the stored names are unchanged)."""
    from django.contrib.auth.models import Group, Permission
    from django.utils.translation import gettext

    from .roles import ROLES

    if getattr(Group.__str__, "fazhi_named", False):
        return

    def group_str(self) -> str:
        label = ROLES.get(self.name)
        return str(label) if label is not None else self.name

    defaults = {
        "add": _("Can add %(model)s"),
        "change": _("Can change %(model)s"),
        "delete": _("Can delete %(model)s"),
        "view": _("Can view %(model)s"),
        "manage": _("Can manage %(model)s"),  # viewflow's permission on its process models
    }

    def permission_str(self) -> str:
        model = self.content_type.model_class()
        action, _sep, rest = self.codename.partition("_")
        if self.codename.startswith("act_as_") and self.codename[7:] in ROLES:
            name = _("Act as %(role)s for this unit") % {"role": ROLES[self.codename[7:]]}
        elif model is not None and action in defaults and rest == model._meta.model_name:
            name = defaults[action] % {"model": model._meta.verbose_name}
        else:
            name = gettext(self.name)
        return f"{self.content_type} | {name}"

    group_str.fazhi_named = True
    Group.__str__ = group_str
    Permission.__str__ = permission_str
