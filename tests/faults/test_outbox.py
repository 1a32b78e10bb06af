"""Notice deliveries go through an outbox: a run killed between the notice's commit and the
sending loses no SMS or e-mail, and two senders at once send each message once."""

import signal
import subprocess
import sys

import pytest
from django.db import connection
from django.utils import timezone

from reports.choices import Channel
from reports.models import Delivery, Notice
from tests.factories import EnterpriseFactory
from tests.hazard_helpers import register
from tests.processes import ROOT, django_env, manage

pytestmark = pytest.mark.django_db(transaction=True)
HAZARDS = 4


def test_a_run_killed_before_sending_loses_nothing_and_each_sms_goes_once(personas, tmp_path):
    personas.inspector.email = "li@example.org"
    personas.inspector.save()
    today = timezone.localdate()
    phones = [f"1390000000{i}" for i in range(HAZARDS)]
    for phone in phones:
        enterprise = EnterpriseFactory(principal_phone=phone, safety_manager_phone="")
        # The 7-day reminder is due today.
        register(personas.inspector, enterprise=enterprise, level="general", days=7)
    sms_log = tmp_path / "sms.log"
    env = django_env(
        connection.settings_dict["NAME"],
        QINGLING_VAR_DIR=str(tmp_path / "var"),
        DRILL_SMS_LOG=str(sms_log),
        DRILL_SMS_SECONDS="0.3",
    )

    # The run issues and commits the first notice, then dies as it starts sending.
    dying = manage(
        {**env, "REPORTS_SMS_BACKEND": "tests.processes.DyingSms"},
        "run_notices",
        "--date",
        today.isoformat(),
    )
    assert dying.returncode == -signal.SIGKILL, dying.stderr
    issued = Notice.objects.filter(skipped=False).count()
    assert issued >= 1
    pending = Delivery.objects.filter(pending=True)
    assert pending.filter(channel=Channel.SMS).count() == issued
    assert not Delivery.objects.filter(channel=Channel.SMS, ok=True).exists()

    # The next run issues the rest; two outbox senders then race over what is pending.
    senders = [
        subprocess.Popen(
            [
                *(sys.executable, "manage.py", "shell", "-c"),
                "from reports.tasks import send_deliveries; print(send_deliveries())",
            ],
            cwd=ROOT,
            env={**env, "REPORTS_SMS_BACKEND": "tests.processes.FileSms"},
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    again = manage(
        {**env, "REPORTS_SMS_BACKEND": "tests.processes.FileSms"},
        "run_notices",
        "--date",
        today.isoformat(),
    )
    assert again.returncode == 0, again.stderr
    counts = [int(s.communicate(timeout=180)[0].strip().splitlines()[-1]) for s in senders]
    assert Notice.objects.filter(skipped=False).count() == HAZARDS
    sent = sorted(line.split()[0] for line in sms_log.read_text().splitlines())
    assert sent == phones  # every SMS went out, none twice
    assert Delivery.objects.filter(channel=Channel.SMS, ok=True).count() == HAZARDS
    assert Delivery.objects.filter(channel=Channel.EMAIL, ok=True).count() == HAZARDS
    assert not Delivery.objects.filter(pending=True).exists()
    assert sum(counts) <= 2 * HAZARDS
