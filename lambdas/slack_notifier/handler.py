"""Slack notifier Lambda entry point: each SNS record -> one Block Kit message on the webhook.

The webhook URL comes from Secrets Manager ({"webhook_url": ...}, ARN in the environment). When
Slack still refuses after retries, the handler raises, so Lambda's async retries and then the
stack's DLQ keep the message: it is never dropped silently. The URL is never logged.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger

from pgdrift.aws.slack import SlackDeliveryError, post, webhook_client, webhook_url
from pgdrift.contract import ENV_SLACK_SECRET_ARN, SERVICE_NAME
from pgdrift.errors import PgDriftError
from pgdrift.notify.alerting import Notification
from pgdrift.render.slack import render_slack

__all__ = ["SlackDeliveryError", "handler"]
logger = Logger(service=f"{SERVICE_NAME}-slack")


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        client = webhook_client(webhook_url(os.environ.get(ENV_SLACK_SECRET_ARN), ENV_SLACK_SECRET_ARN))
    except PgDriftError as error:
        logger.error("Slack notifier misconfigured; raising so the message is kept", extra={"reason": str(error)})
        raise
    posted = 0
    for record in event.get("Records", ()):
        notification = Notification.from_json(record["Sns"]["Message"])
        logger.append_keys(target=notification.target, status=notification.status, run_id=notification.run_id)
        try:
            post(client, render_slack(notification), f"the {notification.status} alert for {notification.target}")
        except PgDriftError as error:
            logger.error("Slack delivery failed; raising so the message is retried and kept",
                         extra={"reason": str(error)})
            raise
        posted += 1
        logger.info("posted to Slack")
    return {"posted": posted}
