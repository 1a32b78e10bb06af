"""Hazard numbers taken in blocks for a batch (an old ledger brought in at once).

A single registration takes its number inside its own transaction (services.next_number), so
the county's sequence row stays locked until it commits. A batch of thousands would hold that
lock for its whole insert; instead it reserves a block per county and year in a short
transaction of its own, keeps the block, and numbers its hazards from it (on a retry too).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from .models import HazardSequence


def number_key(region_id: str, found_date: date) -> str:
    """The numbering a hazard belongs to: its county code and the year it was found."""
    return f"{region_id[:6]}-{found_date.year}"


def numbers_reserve(counts: dict[str, int]) -> dict[str, list[int]]:
    """Take a block of numbers for each numbering ("county-year": how many) in a transaction of
    its own, so a county's numbering lock is held only for this moment, not while the batch is
    inserted. Call it outside any other transaction. The blocks belong to the caller, who keeps
    them and uses them (on a retry too): together with numbers_release, numbering stays
    without gaps."""
    keys = sorted(counts)
    with transaction.atomic():
        HazardSequence.objects.bulk_create(
            [HazardSequence(county_code=k[:6], year=int(k[7:])) for k in keys],
            ignore_conflicts=True,
        )
        blocks = {}
        for key in keys:
            sequence = HazardSequence.objects.select_for_update().get(
                county_code=key[:6], year=int(key[7:])
            )
            blocks[key] = [sequence.last + 1, sequence.last + counts[key]]
            sequence.last += counts[key]
            sequence.save(update_fields=["last"])
    return blocks


def numbers_release(blocks: dict[str, list[int]]) -> dict[str, list[int]]:
    """Give back the blocks no number was taken after; returns those still held."""
    held = {}
    with transaction.atomic():
        for key, (first, last) in sorted(blocks.items()):
            sequence = HazardSequence.objects.select_for_update().get(
                county_code=key[:6], year=int(key[7:])
            )
            if sequence.last == last:
                sequence.last = first - 1
                sequence.save(update_fields=["last"])
            else:
                held[key] = [first, last]
    return held
