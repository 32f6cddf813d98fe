"""The Slack webhook URL, checked before any request (issue 12).

The URL is a credential: every error names the secret that holds it and what is wrong with it,
never the URL or any part of it, whatever its shape.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

from pgdrift.errors import ConfigError

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _loopback_http(parts: SplitResult) -> bool:
    """Plain http only to this machine (a local Slack stand-in): nothing leaves it unencrypted."""
    return parts.scheme == "http" and parts.hostname in _LOOPBACK


def checked_webhook_url(url: object, arn: str) -> str:
    """The webhook URL, if it is one: https, a host, a path. The URL is a credential: an error
    names the secret that holds it and what is wrong, never the URL or any part of it (issue 12)."""
    if not isinstance(url, str):
        raise ConfigError(f"posting to Slack: webhook_url in secret {arn} is not a string",
                          'Store {"webhook_url": "https://hooks.slack.com/services/..."}')
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        parts = None
    problem = ("is not a URL" if parts is None else
               "does not start with https://" if parts.scheme != "https" and not _loopback_http(parts) else
               "has no host" if not parts.hostname else
               "has no path" if len(parts.path) <= 1 else
               "contains white space or control characters" if any(ch.isspace() or ord(ch) < 32 for ch in url.strip())
               else None)
    if problem is not None:
        raise ConfigError(f"posting to Slack: webhook_url in secret {arn} {problem}",
                          "Copy the webhook URL again from Slack (Incoming Webhooks) into the secret, as "
                          '{"webhook_url": "https://hooks.slack.com/services/..."}')
    return url.strip()
