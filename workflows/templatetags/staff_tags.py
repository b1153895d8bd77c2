"""Template helpers of the staff site's pages: its menus, rendered once per process for each
way they can look, and the two date formats its lists print on every row.

They exist for the time a staff page takes (issue 22): viewflow's two menus cost about 2 ms of
every page to render, and Django's ``date`` filter some 30-50 µs a value, fifty or a hundred
values a list.
"""

from datetime import date, datetime

from django import template
from django.core.signals import setting_changed
from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

register = template.Library()

# (menu template, its owner, everything else its rendering reads) -> the rendered menu. Few
# keys: a handful of owners × languages × URL namespaces × the combinations of menu entries
# people are allowed; the cap only guards against a key that would not repeat.
_menus: dict[tuple, str] = {}
MENU_CAP = 1000


def _menu_key(context, owner, name: str) -> tuple | None:
    """All that viewflow's menu templates (``app_menu.html``, ``site_menu.html``) read beside
    their owner and the translations: which entries the person may see (asked on every page:
    a role granted or revoked shows at once), the language, where URLs are reversed from, and
    the current viewset's turbo flag. None when an entry's URL depends on the request's own
    arguments (a viewset with ``extra_kwargs``): that menu is rendered every time."""
    request = context.request
    user = request.user
    entries = list(owner.menu_items())
    for entry in entries:
        node = entry
        while node is not None:
            if getattr(node, "extra_kwargs", None):
                return None
            node = node.parent
    match = request.resolver_match
    return (
        name,
        owner,
        get_language(),
        get_script_prefix(),
        get_urlconf(),
        getattr(request, "current_app", None),
        getattr(match, "namespace", None),
        bool(getattr(context.get("viewset"), "turbo_disabled", False)),
        tuple(bool(entry.has_view_permission(user)) for entry in entries),
    )


class MenuNode(template.Node):
    def __init__(self, owner: template.base.FilterExpression):
        self.owner = owner

    def render(self, context):
        owner = self.owner.resolve(context)
        name = owner.menu_template_name
        key = _menu_key(context, owner, name)
        menu = _menus.get(key) if key is not None else None
        if menu is None:
            # What ``{% include owner.menu_template_name %}`` renders, in the same context.
            menu = context.template.engine.get_template(name).render(context)
            if key is not None:
                if len(_menus) >= MENU_CAP:
                    _menus.clear()
                _menus[key] = menu
        return menu


@register.tag
def menu(parser, token):
    """``{% menu app %}``: ``{% include app.menu_template_name %}``, served from memory when the
    page's menu looks as one rendered before (``_menu_key``)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the menu's owner")
    return MenuNode(parser.compile_filter(bits[1]))


def _forget_menus(**_kwargs) -> None:
    # A test that changes the URLconf, the languages or the catalogues renders them afresh.
    _menus.clear()


setting_changed.connect(_forget_menus)


@register.filter(expects_localtime=True)
def minute(value):
    """``value|date:"Y-m-d H:i"`` (in the current time zone, as there), written directly for a
    datetime; anything else goes through the ``date`` filter."""
    if not isinstance(value, datetime):
        return date_filter(value, "Y-m-d H:i")
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


@register.filter(expects_localtime=True)
def day(value):
    """``value|date:"Y-m-d"`` (a datetime in the current time zone, as there), written
    directly for a date or a datetime; anything else goes through the ``date`` filter."""
    if not isinstance(value, date):
        return date_filter(value, "Y-m-d")
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


@register.simple_tag
def progress_stages(progress):
    """The stepper's stages (``workflows.progress_html``): written in Python, not by a loop of
    the template language, which cost more than half of a decision page's rendering."""
    from ..progress_html import stages_html

    return stages_html(progress.stages)
