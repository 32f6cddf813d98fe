"""Database credentials from Secrets Manager through Powertools `parameters` (cached per container).

The secret is in the RDS format {host, port, username, password, dbname}. Errors name the secret
and what is wrong with it; the password never reaches a log line or a message.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from pgdrift.errors import ConfigError, PgDriftError
from pgdrift.monitor.settings import DbCredentials, Target, parse_db_secret

#: Seconds a fetched secret is reused by a warm container (rotation is picked up after this).
SECRET_MAX_AGE = 300
_ERROR_CODE = re.compile(r"\(([A-Za-z]+)\) when calling")


class SecretError(PgDriftError):
    category = "secret"


def _session_for(target: Target) -> Any:
    """A boto3 session: the function's own, or the target account's when it names a role to assume."""
    import boto3

    if not target.assume_role_arn:
        return boto3.session.Session()
    credentials = boto3.client("sts").assume_role(RoleArn=target.assume_role_arn,
                                                  RoleSessionName=f"pgdrift-{target.name}")["Credentials"]
    return boto3.session.Session(aws_access_key_id=credentials["AccessKeyId"],
                                 aws_secret_access_key=credentials["SecretAccessKey"],
                                 aws_session_token=credentials["SessionToken"])


def _client_for(target: Target) -> Any | None:
    """A Secrets Manager client in the target's account when it names a role to assume."""
    if not target.assume_role_arn:
        return None
    return _session_for(target).client("secretsmanager")


def fetch_credentials(target: Target, refresh: bool = False) -> DbCredentials:
    """The target's credentials; `refresh` reads the secret past the container's cache (after an
    authentication failure: the secret may have been rotated since it was cached). With IAM
    database authentication the password is a fresh 15-minute token instead."""
    document = _read_secret(target, refresh)
    credentials = parse_db_secret(document, f"{target.secret_arn} (target {target.name})",
                                  password_required=target.auth == "password")
    if target.auth == "iam":
        return replace(credentials, password=iam_token(credentials, target))
    return credentials


def _read_secret(target: Target, refresh: bool) -> Any:
    from aws_lambda_powertools.utilities import parameters

    try:
        client = _client_for(target)
        if client is None:
            return parameters.get_secret(target.secret_arn, transform="json", max_age=SECRET_MAX_AGE,
                                         force_fetch=refresh)
        provider = parameters.SecretsProvider(boto3_client=client)
        return provider.get(target.secret_arn, transform="json", max_age=SECRET_MAX_AGE, force_fetch=refresh)
    except parameters.exceptions.TransformParameterError:
        raise ConfigError(f"reading secret {target.secret_arn} for target {target.name}: not valid JSON",
                          "Store the RDS secret format: {host, port, username, password, dbname}") from None
    except parameters.exceptions.GetParameterError as error:
        found = _ERROR_CODE.search(str(error))
        code = found.group(1) if found else "cannot read it"
        raise SecretError(f"reading secret {target.secret_arn} for target {target.name}: {code}",
                          "Check the secret ARN and that the function may call secretsmanager:GetSecretValue"
                          ) from None
    except Exception as error:  # STS or client construction
        raise SecretError(f"reading secret {target.secret_arn} for target {target.name}: "
                          f"{type(error).__name__}", "Check the role to assume and the secret ARN") from None


def iam_token(credentials: DbCredentials, target: Target) -> str:
    """An RDS IAM authentication token for the secret's host, port and user (signed locally with
    the function's role, or the target's assumed role; valid 15 minutes)."""
    try:
        session = _session_for(target)
        client = session.client("rds", region_name=target.region or session.region_name)
        return str(client.generate_db_auth_token(DBHostname=credentials.host, Port=credentials.port,
                                                 DBUsername=credentials.username))
    except Exception as error:
        raise SecretError(f"signing an IAM database token for target {target.name}: {type(error).__name__}",
                          "Check the function's AWS credentials and region; the role needs rds-db:connect on "
                          f"the database user {credentials.username}") from None
