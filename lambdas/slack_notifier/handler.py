"""Slack notifier Lambda entry point: each SNS record -> one Block Kit message on the webhook.

The webhook URL comes from Secrets Manager ({"webhook_url": ...}, ARN in the environment). slack-sdk's
retry handlers retry 429 (after Retry-After), 5xx and connection errors with backoff; when Slack
still refuses, the handler raises, so Lambda's async retries and then the stack's DLQ / on-failure
destination keep the message: it is never dropped silently. The URL is never logged.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities import parameters
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from pgdrift.contract import ENV_SLACK_SECRET_ARN, SERVICE_NAME
from pgdrift.errors import ConfigError, PgDriftError
from pgdrift.notify.alerting import Notification
from pgdrift.notify.webhook import checked_webhook_url
from pgdrift.render.slack import render_slack

logger = Logger(service=f"{SERVICE_NAME}-slack")
# slack-sdk logs the full webhook URL (a credential) at DEBUG and INFO: keep only its warnings.
_sdk_logger = logging.getLogger("pgdrift.slack_sdk")
_sdk_logger.setLevel(logging.WARNING)
RETRY_HANDLERS = (RateLimitErrorRetryHandler(max_retry_count=3), ServerErrorRetryHandler(max_retry_count=2),
                  ConnectionErrorRetryHandler(max_retry_count=2))


class SlackDeliveryError(PgDriftError):
    category = "slack"


def webhook_url() -> str:
    arn = os.environ.get(ENV_SLACK_SECRET_ARN)
    if not arn:
        raise ConfigError(f"posting to Slack: {ENV_SLACK_SECRET_ARN} is not set", "The stack sets it")
    try:
        secret = parameters.get_secret(arn, transform="json", max_age=300)
    except (parameters.exceptions.GetParameterError, parameters.exceptions.TransformParameterError):
        raise ConfigError(f"posting to Slack: cannot read secret {arn} as JSON",
                          "Check the ARN, secretsmanager:GetSecretValue and that it holds {\"webhook_url\": ...}"
                          ) from None
    if not isinstance(secret, dict) or not secret.get("webhook_url"):
        raise ConfigError(f"posting to Slack: secret {arn} has no webhook_url",
                          'Store {"webhook_url": "https://hooks.slack.com/services/..."}')
    return checked_webhook_url(secret["webhook_url"], arn)


def post(client: WebhookClient, notification: Notification) -> None:
    try:
        response = client.send_dict(render_slack(notification))
    except Exception as error:  # its message may quote the URL: name the type only
        raise SlackDeliveryError(f"posting the {notification.status} alert for {notification.target} to Slack: "
                                 f"{type(error).__name__} after retries",
                                 "Lambda retries, then the message lands in the notifier's DLQ; check the "
                                 "network path to Slack") from None
    if response.status_code != 200:
        raise SlackDeliveryError(f"posting the {notification.status} alert for {notification.target} to Slack: "
                                 f"HTTP {response.status_code} {response.body[:200]!r} after retries",
                                 "Lambda retries, then the message lands in the notifier's DLQ; "
                                 "check the webhook (revoked? channel archived?)")


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        url = webhook_url()
    except PgDriftError as error:
        logger.error("Slack notifier misconfigured; raising so the message is kept", extra={"reason": str(error)})
        raise
    client = WebhookClient(url, timeout=10, logger=_sdk_logger, retry_handlers=list(RETRY_HANDLERS))
    posted = 0
    for record in event.get("Records", ()):
        notification = Notification.from_json(record["Sns"]["Message"])
        logger.append_keys(target=notification.target, status=notification.status, run_id=notification.run_id)
        try:
            post(client, notification)
        except PgDriftError as error:
            logger.error("Slack delivery failed; raising so the message is retried and kept",
                         extra={"reason": str(error)})
            raise
        posted += 1
        logger.info("posted to Slack")
    return {"posted": posted}
