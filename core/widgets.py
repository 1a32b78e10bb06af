"""Form widgets shared by the list filters."""

from __future__ import annotations

from typing import NamedTuple

from django import forms

from .choices import RegionLevel

DEPTH = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2, RegionLevel.TOWN: 3}
# How many levels below the top of the user's scope the drop-down lists by default.
LEVELS_SHOWN = 2
INDENT = "\u3000"


class _Row(NamedTuple):
    code: str
    name: str
    level: str
    parent_id: str | None


class RegionSelect(forms.Select):
    """A region drop-down drawn as a tree, two levels deep below the user's own region.

    A province user would otherwise scroll through a thousand towns. The levels below appear
    once their parent is chosen (the towns of the chosen county), so every region stays
    reachable. Only the drawing is trimmed: the field still accepts any region in scope."""

    def optgroups(self, name, value, attrs=None):
        selected = {str(v) for v in value if v not in (None, "")}
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:  # plain choices: nothing to trim
            return super().optgroups(name, value, attrs)
        # Plain rows rather than model instances: a province has about a thousand regions.
        regions = [
            _Row(*row)
            for row in queryset.order_by("code").values_list("code", "name", "level", "parent_id")
        ]
        top = min((DEPTH[r.level] for r in regions), default=0)
        chosen = {r.code for r in regions if r.code in selected}
        families = chosen | {r.parent_id for r in regions if r.code in chosen}

        def shown(region) -> bool:
            # Two levels deep, plus the children and the siblings of the chosen region.
            deep = DEPTH[region.level] - top > LEVELS_SHOWN
            return not deep or region.code in chosen or region.parent_id in families

        empty = getattr(self.choices, "field", None)
        choices = [("", empty.empty_label)] if empty is not None and empty.empty_label else []
        choices += [(r.code, INDENT * (DEPTH[r.level] - top) + r.name) for r in regions if shown(r)]
        original, self.choices = self.choices, choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = original
