"""The monitor's S3 store: idempotent writes and an alert-state compare-and-swap.

Content-addressed objects are created with `IfNoneMatch='*'`, so an unchanged snapshot is never
stored twice (a 412 means "already there"). The alert state is updated with `IfMatch=<etag>` (or
created with `IfNoneMatch='*'`): of two concurrent runs one wins, the other gets False back,
re-reads and decides again, so it cannot double-alert.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pgdrift.errors import PgDriftError
from pgdrift.monitor.layout import state_key
from pgdrift.notify.alerting import AlertState

_CONFLICT_CODES = ("PreconditionFailed", "ConditionalRequestConflict", "412", "409")
_MISSING_CODES = ("NoSuchKey", "404", "NotFound")


def _code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _fail(operation: str, error: Exception) -> PgDriftError:
    code = _code(error) or type(error).__name__
    remedy = ("Grant the function s3:GetObject/PutObject/ListBucket on the bucket"
              if code in ("AccessDenied", "403") else "Check the bucket name and the function's network path")
    return PgDriftError(f"{operation}: {code}", remedy)


class S3Store:
    """One bucket. Every method names the key it failed on."""

    def __init__(self, bucket: str, client: Any | None = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3")
        self.bucket = bucket
        self.client: Any = client

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"

    def put(self, key: str, body: bytes, content_type: str = "application/json") -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)
        except Exception as error:
            raise _fail(f"writing {self.uri(key)}", error) from None

    def put_if_absent(self, key: str, body: bytes, content_type: str = "application/json") -> bool:
        """Create the object unless it exists; True when this call created it."""
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type,
                                   IfNoneMatch="*")
        except Exception as error:
            if _code(error) in _CONFLICT_CODES:
                return False
            raise _fail(f"writing {self.uri(key)}", error) from None
        return True

    def get(self, key: str) -> bytes:
        try:
            return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        except Exception as error:
            if _code(error) in _MISSING_CODES:
                raise PgDriftError(f"reading {self.uri(key)}: no such object",
                                   "Check the key; for an expected artifact, run the CI upload step") from None
            raise _fail(f"reading {self.uri(key)}", error) from None

    def get_with_etag(self, key: str) -> tuple[bytes, str] | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except Exception as error:
            if _code(error) in _MISSING_CODES:
                return None
            raise _fail(f"reading {self.uri(key)}", error) from None
        return bytes(response["Body"].read()), str(response["ETag"])

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key under a prefix, in key order."""
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", ()):
                    yield str(item["Key"])
        except Exception as error:
            raise _fail(f"listing {self.uri(prefix)}", error) from None

    def read_state(self, target: str) -> tuple[AlertState | None, str | None]:
        """The alert state and its etag (None, None when the target never ran)."""
        found = self.get_with_etag(state_key(target))
        if found is None:
            return None, None
        body, etag = found
        return AlertState.from_json(body), etag

    def write_state(self, target: str, state: AlertState, etag: str | None) -> str | None:
        """Compare-and-swap: the new ETag, or None when another run changed the state since we read it."""
        condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
        key = state_key(target)
        try:
            response = self.client.put_object(Bucket=self.bucket, Key=key, Body=state.to_json().encode("utf-8"),
                                              ContentType="application/json", **condition)
        except Exception as error:
            if _code(error) in _CONFLICT_CODES:
                return None
            raise _fail(f"writing {self.uri(key)}", error) from None
        return str(response["ETag"])
