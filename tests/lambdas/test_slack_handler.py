"""The Slack notifier Lambda against a local HTTP server that records what it receives.

Normal drift, a 300-finding drift (Slack's block limits hold), a 429 then success, a permanent
500 (the handler raises, so Lambda's retries and the DLQ keep the message) and a revoked webhook.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from pgdrift.errors import ConfigError
from pgdrift.notify.alerting import Notification, NotifiedFinding, NotifiedMigration
from pgdrift.render.slack import MAX_BLOCKS, MAX_HEADER_TEXT, MAX_SECTION_TEXT, render_slack
from pgdrift.vocabulary import AlertStatus, ChangeType, MigrationState, Severity
from tests.lambdas.conftest import FakeContext

TOKEN = "T0000/B0000/XXXXsecretwebhooktokenXXXX"


@dataclass
class Sink:
    """Replies with the scripted statuses in order (then 200) and records every request body."""

    statuses: list[int] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def sink() -> Iterator[Sink]:
    recorder = Sink()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            recorder.bodies.append(json.loads(self.rfile.read(length)))
            status = recorder.statuses.pop(0) if recorder.statuses else 200
            body = b"ok" if status == 200 else b"no_service" if status == 404 else b"error"
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}/services/{TOKEN}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()


@pytest.fixture
def slack(sink: Sink, aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with mock_aws():
        arn = boto3.client("secretsmanager").create_secret(
            Name="pgdrift/slack", SecretString=json.dumps({"webhook_url": sink.url}))["ARN"]
        monkeypatch.setenv("PGDRIFT_SLACK_SECRET_ARN", arn)
        from lambdas.slack_notifier import handler

        yield handler


def invoke(slack: Any, event: dict[str, Any]) -> Any:
    # Powertools binds its log stream at import; point it at this test's (captured) stdout.
    slack.logger.registered_handler.stream = sys.stdout
    return slack.handler(event, FakeContext())


def notification(findings: int = 3, status: AlertStatus = AlertStatus.DRIFT,
                 object_name: str = "public.providers") -> Notification:
    items = tuple(NotifiedFinding(severity=Severity.HIGH if number == 0 else Severity.LOW, kind="column",
                                  change=ChangeType.UNEXPECTED,
                                  object=f"{object_name}.col{number}", reason="added outside any migration",
                                  new=number == 0)
                  for number in range(findings))
    return Notification(status=status, target="prod", run_id="run-1", time="2026-11-24T01:00:00+00:00",
                        severity=Severity.HIGH, live_revisions=("a1b2",), head_revisions=("c3d4",),
                        migration_state=MigrationState.BEHIND,
                        lag_days=12.5, counts={"critical": 0, "high": 1, "medium": 0, "low": findings - 1},
                        total_findings=findings, findings=items,
                        pending=(NotifiedMigration("c3d4", "2026-11-01T10:00:00", "add npi index"),),
                        new=("column|unexpected|public.providers.col0|",),
                        report_url="https://s3.console.aws.amazon.com/s3/object/b?prefix=reports/x.html")


def sns_event(*notifications: Notification) -> dict[str, Any]:
    return {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": item.to_json(), "MessageAttributes": {}}}
                        for item in notifications]}


def assert_within_slack_limits(payload: dict[str, Any]) -> None:
    blocks = payload["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    assert blocks[0]["type"] == "header" and len(blocks[0]["text"]["text"]) <= MAX_HEADER_TEXT
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_TEXT


def test_normal_drift_posts_block_kit(slack: Any, sink: Sink, capfd: pytest.CaptureFixture[str]) -> None:
    assert invoke(slack, sns_event(notification())) == {"posted": 1}
    (body,) = sink.bodies
    assert body["blocks"][0]["text"]["text"] == "Schema drift · prod · high"
    text = json.dumps(body)
    for expected in ("`a1b2` vs *head* `c3d4`", "12.5 days", "high: 1", "public.providers.col0", ":new:",
                     "add npi index", "2026-11-01", "Open the report"):
        assert expected in text, expected
    assert_within_slack_limits(body)
    assert TOKEN not in capfd.readouterr().out


def test_300_finding_drift_respects_block_limits(slack: Any, sink: Sink) -> None:
    invoke(slack, sns_event(notification(300)))
    (body,) = sink.bodies
    assert_within_slack_limits(body)
    assert "and 280 more" in json.dumps(body)


def test_huge_texts_are_cut_not_fatal() -> None:
    payload = render_slack(notification(300, object_name="public." + "x" * 5000))
    assert_within_slack_limits(payload)
    failed = render_slack(Notification(status=AlertStatus.FAILED, target="t" * 400, run_id="r", time="now",
                                       reason="r" * 9000, remedy="do it"))
    assert_within_slack_limits(failed)
    assert failed["blocks"][0]["text"]["text"].startswith("Monitor failed · ttt")


def test_rate_limited_then_success(slack: Any, sink: Sink) -> None:
    sink.statuses = [429]
    assert invoke(slack, sns_event(notification())) == {"posted": 1}
    assert len(sink.bodies) == 2  # retried after Retry-After


def test_permanent_500_raises_so_the_message_is_kept(slack: Any, sink: Sink,
                                                     capfd: pytest.CaptureFixture[str]) -> None:
    sink.statuses = [500] * 10
    with pytest.raises(slack.SlackDeliveryError, match="HTTP 500"):
        invoke(slack, sns_event(notification()))
    assert len(sink.bodies) == 3  # the first try and two retries with backoff
    out = capfd.readouterr().out
    assert "Slack delivery failed" in out
    assert TOKEN not in out


def test_revoked_webhook_is_not_retried_but_raises(slack: Any, sink: Sink) -> None:
    sink.statuses = [404]
    with pytest.raises(slack.SlackDeliveryError, match="HTTP 404"):
        invoke(slack, sns_event(notification()))
    assert len(sink.bodies) == 1


def test_a_message_not_from_pgdrift_is_a_clear_error(slack: Any, sink: Sink) -> None:
    event = {"Records": [{"Sns": {"Message": "hello"}}]}
    with pytest.raises(Exception, match="not published by the pgdrift monitor"):
        invoke(slack, event)
    assert sink.bodies == []


def test_a_secret_without_webhook_url_raises_a_clear_error(slack: Any, sink: Sink) -> None:
    arn = os.environ["PGDRIFT_SLACK_SECRET_ARN"]
    boto3.client("secretsmanager").put_secret_value(SecretId=arn, SecretString='{"url": "x"}')
    with pytest.raises(ConfigError, match="has no webhook_url"):
        invoke(slack, sns_event(notification()))
    assert sink.bodies == []


BAD_URLS = {
    "typo in the scheme": f"htps://hooks.slack.com/services/{TOKEN}",
    "no scheme": f"hooks.slack.com/services/{TOKEN}",
    "plain http to Slack": f"http://hooks.slack.com/services/{TOKEN}",
    "no host": f"https:///services/{TOKEN}",
    "a bad port": f"https://hooks.slack.com:99999999/services/{TOKEN}",
    "a newline inside": f"https://hooks.slack.com/services/{TOKEN}\nX",
    "no path": "https://hooks.slack.com",
}


@pytest.mark.parametrize("case", list(BAD_URLS))
def test_a_malformed_webhook_url_is_refused_naming_the_secret_never_the_url(
        slack: Any, case: str, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    # Given a webhook URL (a credential) of the wrong shape in the secret
    boto3.client("secretsmanager").put_secret_value(SecretId=os.environ["PGDRIFT_SLACK_SECRET_ARN"],
                                                    SecretString=json.dumps({"webhook_url": BAD_URLS[case]}))
    parameters.base.DEFAULT_PROVIDERS.clear()
    # When an alert arrives, the notifier refuses it with an error that names the secret
    with pytest.raises(ConfigError, match="webhook_url in secret arn:aws:secretsmanager") as raised:
        invoke(slack, sns_event(notification()))
    # Then no part of the URL's path (its token) is in the error, the logs or the traceback
    captured = capfd.readouterr()
    traceback_text = "".join(traceback.format_exception(raised.value))  # what Lambda would log
    text = traceback_text + repr(raised.value) + captured.out + captured.err + caplog.text
    assert TOKEN not in text and "T0000" not in text
