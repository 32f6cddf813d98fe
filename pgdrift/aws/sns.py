"""Publishing alerts to the SNS topic.

One publish per alert with `MessageStructure='json'`: email and SQS subscribers get the
readable plain-text body; Lambda (the Slack notifier) and HTTP(S) subscribers get the
`Notification` JSON. Message attributes `target`,
`severity` (highest) and `status` let subscriptions filter (e.g. email for critical only).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from pgdrift.errors import PgDriftError
from pgdrift.notify.alerting import Notification
from pgdrift.render.email import render_email, subject


def message_attributes(notification: Notification) -> dict[str, dict[str, str]]:
    return {
        "target": {"DataType": "String", "StringValue": notification.target},
        "severity": {"DataType": "String", "StringValue": notification.severity_attribute},
        "status": {"DataType": "String", "StringValue": notification.status},
    }


#: SNS refuses messages over 256 KiB (the JSON structure with every protocol's copy counts).
MAX_MESSAGE_BYTES = 250_000


def _structured(notification: Notification) -> str:
    text = render_email(notification)
    machine = notification.to_json()
    return json.dumps({"default": text, "email": text, "sqs": text, "lambda": machine, "http": machine,
                       "https": machine})


def message_body(notification: Notification) -> str:
    """The per-protocol message; findings are halved until it fits SNS's size limit."""
    body = _structured(notification)
    while len(body.encode("utf-8")) > MAX_MESSAGE_BYTES and notification.findings:
        notification = replace(notification, findings=notification.findings[: len(notification.findings) // 2])
        body = _structured(notification)
    return body


class SnsPublisher:
    def __init__(self, topic_arn: str, client: Any | None = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("sns")
        self.topic_arn = topic_arn
        self.client: Any = client

    def publish(self, notification: Notification) -> str:
        """Publish and return the message id."""
        try:
            response = self.client.publish(
                TopicArn=self.topic_arn, Subject=subject(notification), Message=message_body(notification),
                MessageStructure="json", MessageAttributes=message_attributes(notification))
        except Exception as error:
            code = getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__)
            raise PgDriftError(f"publishing the {notification.status} alert for {notification.target} "
                               f"to {self.topic_arn}: {code}",
                               "Grant the function sns:Publish on the topic (and kms:GenerateDataKey if encrypted)"
                               ) from None
        return str(response["MessageId"])
