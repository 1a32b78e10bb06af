"""Form widgets shared by the list filters."""

from __future__ import annotations

from django import forms

from .choices import RegionLevel

DEPTH = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2, RegionLevel.TOWN: 3}
# How many levels below the top of the user's scope the drop-down lists by default.
LEVELS_SHOWN = 2
INDENT = "\u3000"


class RegionSelect(forms.Select):
    """A region drop-down drawn as a tree, two levels deep below the user's own region.

    A province user would otherwise scroll through a thousand towns. The levels below appear
    once their parent is chosen (the towns of the chosen county), so every region stays
    reachable. Only the drawing is trimmed: the field still accepts any region in scope."""

    def optgroups(self, name, value, attrs=None):
        selected = {str(v) for v in value if v not in (None, "")}
        items = list(iter(self.choices))  # one query: each pass (and len()) of the iterator is one
        regions = [v.instance for v, _label in items if getattr(v, "instance", None) is not None]
        top = min((DEPTH[r.level] for r in regions), default=0)
        chosen = {r.code for r in regions if r.code in selected}
        families = chosen | {r.parent_id for r in regions if r.code in chosen}

        def shown(region) -> bool:
            # Two levels deep, plus the children and the siblings of the chosen region.
            deep = DEPTH[region.level] - top > LEVELS_SHOWN
            return not deep or region.code in chosen or region.parent_id in families

        choices = [(v, label) for v, label in items if getattr(v, "instance", None) is None]
        choices += [(r.code, INDENT * (DEPTH[r.level] - top) + r.name) for r in regions if shown(r)]
        original, self.choices = self.choices, choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = original
