"""{% held %}: a part of the layout rendered once per process for each combination of its values.

    {% load layout %}
    {% held layout-menu LANGUAGE_CODE navigation_active %} ... {% endheld %}

The first rendering of the part for the given values (the language, the current menu entry...) is kept
in this process's memory and served from then on, like Django's {% cache None ... %} without a cache
backend: no key hashing, no pickling, no lock, a tenth of its cost on every page (measured in
docs/caching.md). It is for parts that only the named values and the code decide; nothing that varies
per visitor (a CSRF token, a path, a name, a message) may go inside. Edited templates show after a restart.
"""

from django import template

register = template.Library()

# (part name, *values) -> rendered HTML. The values are few (two languages, a handful of menu entries);
# MAX_PARTS guards against a part that would be keyed by something unbounded.
_held: dict[tuple, str] = {}
MAX_PARTS = 1000


def held_parts() -> dict[tuple, str]:
    """Return what this process holds, by (part name, *values)."""
    return dict(_held)


def forget() -> None:
    """Drop every held part (tests, and a change of settings the parts read)."""
    _held.clear()


class HeldNode(template.Node):
    def __init__(self, nodelist, name: str, values: list):
        self.nodelist, self.name, self.values = nodelist, name, values

    def render(self, context) -> str:
        key = (self.name, *[value.resolve(context) for value in self.values])
        if (rendered := _held.get(key)) is not None:
            return rendered
        rendered = self.nodelist.render(context)
        if len(_held) >= MAX_PARTS:
            _held.clear()
        _held[key] = rendered
        return rendered


@register.tag("held")
def do_held(parser, token) -> HeldNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% held %} takes a part name, then the values the part depends on.")
    nodelist = parser.parse(("endheld",))
    parser.delete_first_token()
    return HeldNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])
