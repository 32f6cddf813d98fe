"""`make demo`, the monitor part: the serverless monitor end to end on this machine.

moto in server mode plays S3, SNS, SQS and Secrets Manager on 127.0.0.1; the demo production
database (embedded PostgreSQL + the credentialmate example, from `demo.scenario.prepare_demo`) is
the target; the ledger is the expected artifact in S3. SNS delivers to an SQS queue (standing in
for email) and to a local HTTP endpoint that plays the Slack notifier Lambda, which posts to a
local sink standing in for Slack. The monitor Lambda's handler is invoked with a scheduled event;
then the demo prints the report, the Slack message, the email and the S3 history.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BUCKET = "pgdrift-demo-history"
TARGET = "prod"
EXPECTED_KEY = f"expected/{TARGET}/ledger.json.gz"
_ENV = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1", "POWERTOOLS_METRICS_NAMESPACE": "pgdrift", "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_SERVICE_NAME": "pgdrift", "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_METRICS_DISABLED": "1"}


@dataclass
class DemoContext:
    """The parts of a LambdaContext the handlers read (also the tests' fake context)."""

    remaining_ms: int = 60_000
    function_name: str = "pgdrift-monitor"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:pgdrift-monitor"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@contextlib.contextmanager
def temporary_environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, then put the old values back."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value



def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])




@contextlib.contextmanager
def _http_server(on_post: Callable[[bytes], None]) -> Iterator[str]:
    """A local HTTP endpoint calling `on_post` with each request body; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            on_post(body)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/services/TDEMO/BDEMO/demo-sink"
    finally:
        server.shutdown()
        server.server_close()


def slack_as_text(payload: dict[str, Any]) -> str:
    """A Block Kit payload as a terminal would show it."""
    lines = []
    for block in payload.get("blocks", ()):
        if block["type"] == "header":
            lines.append(f"┃ {block['text']['text']}")
        elif block["type"] == "section":
            lines += [f"│ {line}" for line in block["text"]["text"].splitlines()]
        elif block["type"] == "divider":
            lines.append("│ ───")
        elif block["type"] == "actions":
            lines += [f"│ [{item['text']['text']}] {item['url']}" for item in block["elements"]]
        elif block["type"] == "context":
            lines += [f"│ {item['text']}" for item in block["elements"]]
    return "\n".join(lines)


@dataclass
class _Aws:
    s3: Any
    sqs: Any
    queue_url: str
    topic_arn: str
    db_secret_arn: str
    slack_secret_arn: str


def _provision(production_dsn: str, ledger: bytes, slack_url: str, notifier_url: str) -> _Aws:
    import boto3

    from pgdrift.catalog.connect import parse_dsn

    s3: Any = boto3.client("s3")
    sns: Any = boto3.client("sns")
    sqs: Any = boto3.client("sqs")
    secrets: Any = boto3.client("secretsmanager")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key=EXPECTED_KEY, Body=ledger)
    topic = sns.create_topic(Name="pgdrift-alerts")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="pgdrift-email")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=notifier_url)
    options = parse_dsn(production_dsn)
    database = {"host": options.unix_socket_dir or options.host, "port": options.port, "username": options.user,
                "password": options.password or "demo-password", "dbname": options.database}
    db_arn = secrets.create_secret(Name="pgdrift/prod", SecretString=json.dumps(database))["ARN"]
    slack_arn = secrets.create_secret(Name="pgdrift/slack", SecretString=json.dumps({"webhook_url": slack_url}))["ARN"]
    return _Aws(s3, sqs, queue_url, topic, db_arn, slack_arn)


def _emails(aws: _Aws) -> list[dict[str, Any]]:
    messages = aws.sqs.receive_message(QueueUrl=aws.queue_url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        aws.sqs.delete_message(QueueUrl=aws.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(message["Body"]) for message in messages]


def _invoke_notifier(body: bytes, out: Callable[[str], None]) -> None:
    """Play the Slack notifier Lambda for one SNS HTTP delivery."""
    envelope = json.loads(body)
    if envelope.get("Type", "Notification") != "Notification":
        return  # subscription confirmations
    from lambdas.slack_notifier import handler

    try:
        handler.handler({"Records": [{"Sns": {"Message": envelope["Message"]}}]}, DemoContext())
    except Exception as error:  # the demo shows it rather than dying in a server thread
        out(f"(Slack notifier failed: {error})")


def _print_run(result: dict[str, Any], out: Callable[[str], None]) -> None:
    summary = result.get("summary", {}).get("by_severity") or result.get("error")
    out(f"status: {result.get('status')}   alert: {result.get('alert')}   findings: {summary}")
    for name, value in (result.get("s3") or {}).items():
        out(f"  s3 {name}: {value}")


def run_monitor_demo(production_dsn: str | None = None, ledger: bytes | None = None,
                     out: Callable[[str], None] = print) -> int:
    """Run the monitor end to end. Without arguments, prepares the demo databases itself."""
    if production_dsn is None or ledger is None:
        from demo.scenario import prepare_demo

        with tempfile.TemporaryDirectory(prefix="pgdrift-monitor-demo-") as workdir:
            out("Preparing the demo production database and the credentialmate ledger...")
            environment = prepare_demo(workdir)
            try:
                return run_monitor_demo(environment.production_dsn, environment.ledger_path.read_bytes(), out)
            finally:
                environment.stop()
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto server's request log
    port = _free_port()
    moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto_server.start()
    slack_posts: list[dict[str, Any]] = []
    try:
        with temporary_environment(_ENV | {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}), \
                _http_server(lambda body: slack_posts.append(json.loads(body))) as slack_url, \
                _http_server(lambda body: _invoke_notifier(body, out)) as notifier_url:
            aws = _provision(production_dsn, ledger, slack_url, notifier_url)
            return _demo_runs(aws, slack_posts, out)
    finally:
        moto_server.stop()


def _demo_runs(aws: _Aws, slack_posts: list[dict[str, Any]], out: Callable[[str], None]) -> int:
    from aws_lambda_powertools.utilities import parameters

    from demo.scenario import run_cli

    targets = [{"name": TARGET, "secret_arn": aws.db_secret_arn, "expected_key": EXPECTED_KEY,
                "allow_plaintext": True}]
    with temporary_environment({"PGDRIFT_TARGETS": json.dumps(targets), "PGDRIFT_BUCKET": BUCKET,
                       "PGDRIFT_TOPIC_ARN": aws.topic_arn, "PGDRIFT_SLACK_SECRET_ARN": aws.slack_secret_arn}):
        parameters.base.DEFAULT_PROVIDERS.clear()
        from lambdas.monitor import handler

        handler.runtime.cache_clear()
        out(f"\n$ aws lambda invoke --function-name pgdrift-monitor --payload '{{\"target\":\"{TARGET}\"}}' out.json")
        first = handler.handler({"target": TARGET}, DemoContext())
        _print_run(first, out)
        report_key = (first.get("s3") or {}).get("reports", {}).get("json")
        if report_key:
            out(f"\n$ pgdrift show s3://{BUCKET}/{report_key} --format text")
            out(run_cli(["show", f"s3://{BUCKET}/{report_key}", "--format", "text"])[1])
        out("\n--- Slack message (what the notifier posted to the webhook) ---")
        out("\n\n".join(slack_as_text(post) for post in slack_posts) or "(nothing posted)")
        out("\n--- Email (SNS -> email subscribers) ---")
        for email in _emails(aws):
            out(f"Subject: {email.get('Subject')}\n\n{email['Message']}")
        out("\n$ aws lambda invoke ... (the next scheduled run, nothing changed)")
        second = handler.handler({"target": TARGET}, DemoContext())
        _print_run(second, out)
        out(f"emails sent: {len(_emails(aws))}, Slack posts in total: {len(slack_posts)}  (no change, no alert)")
        out(f"\n$ pgdrift history --bucket {BUCKET} --target {TARGET}")
        out(run_cli(["history", "--bucket", BUCKET, "--target", TARGET])[1])
        out(f"$ aws s3 ls --recursive s3://{BUCKET}/")
        for item in aws.s3.list_objects_v2(Bucket=BUCKET).get("Contents", ()):
            out(f"  {item['Size']:>8}  {item['Key']}")
        handler.runtime.cache_clear()
    return 0 if first.get("status") in ("drift", "clean") else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(run_monitor_demo())
