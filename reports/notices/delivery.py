"""Telling people about a notice: in-app notifications, e-mail to the told users and SMS to the
enterprise, each recorded as a Delivery. E-mail and SMS go through an outbox: pending rows are
written with the notice, a sender sends them after the commit (and the frequent outbox task
sends whatever a crash left pending); failed ones are tried again by later daily runs."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import User
from enterprises.phones import normalize_phone, sms_problem
from hazards.models import Hazard

from ..choices import Channel
from ..models import Delivery, Notice, Notification
from .recipients import Directory, notice_recipients
from .steps import is_reminder, notice_title

log = logging.getLogger(__name__)

# A failed e-mail or SMS is tried again by the next daily runs, this many tries in all, for
# notices of the last RETRY_DAYS days.
DELIVERY_ATTEMPTS = 3
RETRY_DAYS = 7
# A Delivery whose error starts so was not attempted (no usable number) and is not retried.
SKIPPED = "未发送："
RETRIED = (Channel.EMAIL, Channel.SMS)


class LoggingSmsBackend:
    """The default SMS backend (settings.REPORTS_SMS_BACKEND): writes the message to the log, as
    there is no SMS gateway on the intranet yet."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


def sms_backend():
    return import_string(settings.REPORTS_SMS_BACKEND)()


def notify_in_app(notice: Notice, hazard: Hazard, directory: Directory) -> list[User]:
    """Notify the notice's recipients in-app, recorded as one Delivery each; returns them."""
    users = notice_recipients(notice, hazard, directory)
    title = f"【{notice_title(notice)}】{hazard.number} {hazard.enterprise.name}"
    url = notice.get_absolute_url()
    Notification.objects.bulk_create(
        [
            Notification(user=u, notice=notice, title=title[:128], body=notice.body, url=url)
            for u in users
        ]
    )
    Delivery.objects.bulk_create(
        [Delivery(notice=notice, channel=Channel.APP, recipient=u.username) for u in users]
    )
    return users


def deliveries_plan(notice: Notice, told: list[User]) -> list[Delivery]:
    """In the notice's transaction: a pending row for each e-mail to the told users who have
    one and for an SMS to the enterprise contact (or a row saying why no SMS can be sent)."""
    enterprise = notice.hazard.enterprise
    rows = [
        Delivery(notice=notice, channel=Channel.EMAIL, recipient=email, pending=True, ok=False)
        for email in sorted({user.email for user in told if user.email})
    ]
    numbers = [
        n
        for n in (
            [enterprise.safety_manager_phone, enterprise.principal_phone]
            if is_reminder(notice.step)
            else [enterprise.principal_phone]
        )
        if n
    ]
    # The first number that can take an SMS; else the first, to record why none was sent.
    phone = next((n for n in numbers if not sms_problem(n)), numbers[0] if numbers else "")
    if phone and (problem := sms_problem(phone)):
        rows.append(
            Delivery(
                notice=notice,
                channel=Channel.SMS,
                recipient=phone,
                ok=False,
                error=SKIPPED + problem,
            )
        )
    elif phone:
        rows.append(
            Delivery(notice=notice, channel=Channel.SMS, recipient=phone, pending=True, ok=False)
        )
    return Delivery.objects.bulk_create(rows)


def deliveries_send(*, notice_ids: list[int] | None = None) -> int:
    """Send pending e-mails and SMS (of the given notices, or all); returns how many went out.

    Each row is claimed under its row lock with SKIP LOCKED and leaves the pending state in the
    same transaction, so two senders at once never send one message twice.
    """
    sent = 0
    while True:
        with transaction.atomic():
            pending = Delivery.objects.select_for_update(skip_locked=True, of=("self",)).filter(
                pending=True
            )
            if notice_ids is not None:
                pending = pending.filter(notice_id__in=notice_ids)
            row = pending.select_related("notice__hazard__enterprise").order_by("pk").first()
            if row is None:
                return sent
            row.ok, row.error = _attempt(row)
            row.pending, row.sent_at = False, timezone.now()
            row.save(update_fields=["ok", "error", "pending", "sent_at"])
            sent += row.ok


def _attempt(row: Delivery) -> tuple[bool, str]:
    notice = row.notice
    hazard = notice.hazard
    subject = f"【{notice_title(notice)}】{hazard.number} {hazard.enterprise.name}"
    try:
        if row.channel == Channel.EMAIL:
            send_mail(subject, notice.body, None, [row.recipient])
        else:
            text = f"{subject}：整改期限{notice.deadline:%Y-%m-%d}。{notice.number}".strip("。")
            sms_backend().send(normalize_phone(row.recipient), text)
    except Exception as exc:  # noqa: BLE001 - one failed channel must not stop the others
        log.warning("Delivery of notice %s by %s failed: %s", notice.pk, row.channel, exc)
        return False, str(exc)[:500]
    return True, ""


def deliveries_retry(*, on: date, failed_before: datetime) -> int:
    """Send again the e-mails and SMS that failed before this run (a mail server or SMS gateway
    was down): once per daily run, up to DELIVERY_ATTEMPTS tries, for notices of the last
    RETRY_DAYS days. A channel and recipient once delivered is never sent again."""
    since = timezone.make_aware(datetime.combine(on - timedelta(days=RETRY_DAYS), time.min))
    rows = (
        Delivery.objects.filter(notice__created_at__gte=since, channel__in=RETRIED)
        .exclude(error__startswith=SKIPPED)
        .values("notice_id", "channel", "recipient")
        .annotate(
            tries=Count("pk"),
            delivered=Count("pk", filter=Q(ok=True) | Q(pending=True)),
            failed_now=Count("pk", filter=Q(ok=False, pending=False, sent_at__lt=failed_before)),
        )
        .filter(delivered=0, failed_now__gt=0, tries__lt=DELIVERY_ATTEMPTS)
    )
    retries = Delivery.objects.bulk_create(
        [
            Delivery(
                notice_id=r["notice_id"],
                channel=r["channel"],
                recipient=r["recipient"],
                pending=True,
                ok=False,
            )
            for r in rows
        ]
    )
    if not retries:
        return 0
    return deliveries_send(notice_ids=sorted({r.notice_id for r in retries}))
