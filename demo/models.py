from django.db import models


class DemoSeed(models.Model):
    """A part of the demo that has been loaded. A loaded part is never loaded again, so what
    the user changed or deleted stays as it is until `seed_demo --reset`."""

    part = models.CharField("部分", max_length=32, unique=True)
    seeded_at = models.DateTimeField("加载时间", auto_now_add=True)

    class Meta:
        ordering = ["seeded_at"]
        verbose_name = "已加载的演示数据"
        verbose_name_plural = "已加载的演示数据"

    def __str__(self) -> str:
        return self.part
