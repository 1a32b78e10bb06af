"""What other apps' changes mean for hazard data versions."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from enterprises.models import Enterprise

from .models import Hazard
from .versioning import bump_on_commit


@receiver(post_save, sender=Enterprise, dispatch_uid="hazards.enterprise_saved")
def enterprise_saved(sender, instance: Enterprise, created: bool, raw: bool = False, **kwargs):
    """Hazard lists and pages name the enterprise: when it changes (on a page, through the API
    or in the admin), the scopes of its hazards get a new data version once the change commits,
    so no kept table shows the old name. A new enterprise has no hazards yet."""
    if created or raw:
        return
    regions = set(
        Hazard.objects.filter(enterprise=instance).values_list("region_id", flat=True).distinct()
    )
    if regions:
        bump_on_commit(regions)
