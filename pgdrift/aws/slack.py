"""The Slack webhook adapter: the URL from Secrets Manager, a client that retries, one post.

slack-sdk's retry handlers retry 429 (after Retry-After), 5xx and connection errors with backoff;
when Slack still refuses, `post` raises, so Lambda's async retries and then the DLQ keep the
message. The URL is a credential: it is never logged (slack-sdk logs it at DEBUG and INFO, so its
logger is kept at WARNING) and never in an error.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from pgdrift.errors import ConfigError, PgDriftError
from pgdrift.notify.webhook import checked_webhook_url

_SDK_LOGGER = logging.getLogger("pgdrift.slack_sdk")
_SDK_LOGGER.setLevel(logging.WARNING)
SECRET_MAX_AGE = 300
_STORE = 'Store {"webhook_url": "https://hooks.slack.com/services/..."}'


class SlackDeliveryError(PgDriftError):
    category = "slack"


def webhook_url(arn: str | None, variable: str) -> str:
    """The checked webhook URL held by the secret `arn` (named by the environment's `variable`)."""
    from aws_lambda_powertools.utilities import parameters

    if not arn:
        raise ConfigError(f"posting to Slack: {variable} is not set", "The stack sets it")
    try:
        secret = parameters.get_secret(arn, transform="json", max_age=SECRET_MAX_AGE)
    except (parameters.exceptions.GetParameterError, parameters.exceptions.TransformParameterError):
        raise ConfigError(f"posting to Slack: cannot read secret {arn} as JSON",
                          "Check the ARN, secretsmanager:GetSecretValue and that it holds {\"webhook_url\": ...}"
                          ) from None
    if not isinstance(secret, dict) or not secret.get("webhook_url"):
        raise ConfigError(f"posting to Slack: secret {arn} has no webhook_url", _STORE)
    return checked_webhook_url(secret["webhook_url"], arn)


def webhook_client(url: str) -> WebhookClient:
    return WebhookClient(url, timeout=10, logger=_SDK_LOGGER, retry_handlers=[
        RateLimitErrorRetryHandler(max_retry_count=3), ServerErrorRetryHandler(max_retry_count=2),
        ConnectionErrorRetryHandler(max_retry_count=2)])


def post(client: WebhookClient, payload: dict[str, Any], what: str) -> None:
    """Post one message; SlackDeliveryError (naming `what`, never the URL) once retries are spent."""
    try:
        response = client.send_dict(payload)
    except Exception as error:  # its message may quote the URL: name the type only
        raise SlackDeliveryError(f"posting {what} to Slack: {type(error).__name__} after retries",
                                 "Lambda retries, then the message lands in the notifier's DLQ; check the "
                                 "network path to Slack") from None
    if response.status_code != 200:
        raise SlackDeliveryError(f"posting {what} to Slack: HTTP {response.status_code} {response.body[:200]!r} "
                                 "after retries", "Lambda retries, then the message lands in the notifier's DLQ; "
                                 "check the webhook (revoked? channel archived?)")
