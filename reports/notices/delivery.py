"""Telling people about a notice: in-app notifications, e-mail to the told users and SMS to the
enterprise, each recorded as a Delivery; failed e-mails and SMS are tried again by later runs."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
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


def notice_deliver(*, notice: Notice) -> int:
    """Send e-mail to the told users who have one and SMS to the enterprise contact.

    Runs after the notice's transaction; a channel and recipient already delivered is not sent
    again, so calling this twice sends nothing twice. A failed one is tried again, up to
    DELIVERY_ATTEMPTS tries in all.
    """
    hazard = notice.hazard
    sent = set()
    failures: dict[tuple[str, str], int] = {}
    deliveries = notice.deliveries.values_list("channel", "recipient", "ok", "error")
    for channel, recipient, ok, error in deliveries:
        if ok or error.startswith(SKIPPED):
            sent.add((channel, recipient))
        else:
            failures[channel, recipient] = failures.get((channel, recipient), 0) + 1
    sent |= {pair for pair, tries in failures.items() if tries >= DELIVERY_ATTEMPTS}
    subject = f"【{notice_title(notice)}】{hazard.number} {hazard.enterprise.name}"
    count = 0
    told = getattr(notice, "told", None)
    if told is None:
        told = [n.user for n in notice.notifications.select_related("user")]
    emails = [user.email for user in told if user.email]
    for email in sorted(set(emails)):
        if (Channel.EMAIL, email) not in sent:
            count += _send(
                notice,
                Channel.EMAIL,
                email,
                lambda to=email: send_mail(subject, notice.body, None, [to]),
            )
    enterprise = hazard.enterprise
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
    if phone and (Channel.SMS, phone) not in sent:
        if problem := sms_problem(phone):
            Delivery.objects.create(
                notice=notice,
                channel=Channel.SMS,
                recipient=phone,
                ok=False,
                error=SKIPPED + problem,
            )
            return count
        number = normalize_phone(phone)
        text = f"{subject}：整改期限{notice.deadline:%Y-%m-%d}。{notice.number}".strip("。")
        count += _send(notice, Channel.SMS, phone, lambda: sms_backend().send(number, text))
    return count


def _send(notice: Notice, channel: str, recipient: str, send) -> int:
    try:
        send()
    except Exception as exc:  # noqa: BLE001 - one failed channel must not stop the others
        log.warning("Delivery of notice %s by %s failed: %s", notice.pk, channel, exc)
        Delivery.objects.create(
            notice=notice, channel=channel, recipient=recipient, ok=False, error=str(exc)[:500]
        )
        return 0
    Delivery.objects.create(notice=notice, channel=channel, recipient=recipient)
    return 1


def deliveries_retry(*, on: date, failed_before: datetime) -> int:
    """Send again the e-mails and SMS that failed before this run (a mail server or SMS gateway
    was down): once per daily run, up to DELIVERY_ATTEMPTS tries, for notices of the last
    RETRY_DAYS days."""
    since = timezone.make_aware(datetime.combine(on - timedelta(days=RETRY_DAYS), time.min))
    notice_ids = (
        Delivery.objects.filter(ok=False, sent_at__lt=failed_before, notice__created_at__gte=since)
        .exclude(error__startswith=SKIPPED)
        .values_list("notice_id", flat=True)
        .distinct()
    )
    sent = 0
    for notice in Notice.objects.filter(pk__in=list(notice_ids)).select_related(
        "hazard__enterprise"
    ):
        sent += notice_deliver(notice=notice)
    return sent
