"""Public-report vocabulary: states (what the reporter sees with a tracking code) and actions."""

from django.db import models


class TipoffState(models.TextChoices):
    NEW = "new", "待受理"
    ACCEPTED = "accepted", "受理"
    REJECTED = "rejected", "不予受理"
    TRANSFERRED = "transferred", "已转办"
    VERIFIED = "verified", "已查实"
    NOT_VERIFIED = "not_verified", "未查实"


# States in which the report still waits for someone.
OPEN_STATES = (TipoffState.NEW, TipoffState.ACCEPTED, TipoffState.TRANSFERRED)
STATE_BADGES = {
    TipoffState.NEW: "warning",
    TipoffState.ACCEPTED: "primary",
    TipoffState.REJECTED: "secondary",
    TipoffState.TRANSFERRED: "info",
    TipoffState.VERIFIED: "danger",
    TipoffState.NOT_VERIFIED: "secondary",
}


class TipoffAction(models.TextChoices):
    SUBMIT = "submit", "提交举报"
    ACCEPT = "accept", "受理"
    REJECT = "reject", "不予受理"
    TRANSFER = "transfer", "转办"
    VERIFY = "verify", "查实"
    NOT_VERIFIED = "not-verified", "未查实"
    RECORD_REWARD = "record-reward", "登记举报奖励"
    APPROVE_REWARD = "approve-reward", "审批举报奖励"
