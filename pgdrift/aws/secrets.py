"""Database credentials from Secrets Manager through Powertools `parameters` (cached per container).

The secret is in the RDS format {host, port, username, password, dbname}. Errors name the secret
and what is wrong with it; the password never reaches a log line or a message.
"""

from __future__ import annotations

import re
from typing import Any

from pgdrift.errors import ConfigError, PgDriftError
from pgdrift.settings import DbCredentials, Target, parse_db_secret

#: Seconds a fetched secret is reused by a warm container (rotation is picked up after this).
SECRET_MAX_AGE = 300
_ERROR_CODE = re.compile(r"\(([A-Za-z]+)\) when calling")


class SecretError(PgDriftError):
    category = "secret"


def _client_for(target: Target) -> Any | None:
    """A Secrets Manager client in the target's account when it names a role to assume."""
    if not target.assume_role_arn:
        return None
    import boto3

    credentials = boto3.client("sts").assume_role(RoleArn=target.assume_role_arn,
                                                  RoleSessionName=f"pgdrift-{target.name}")["Credentials"]
    return boto3.client("secretsmanager", aws_access_key_id=credentials["AccessKeyId"],
                        aws_secret_access_key=credentials["SecretAccessKey"],
                        aws_session_token=credentials["SessionToken"])


def fetch_credentials(target: Target) -> DbCredentials:
    from aws_lambda_powertools.utilities import parameters

    try:
        client = _client_for(target)
        document: Any
        if client is None:
            document = parameters.get_secret(target.secret_arn, transform="json", max_age=SECRET_MAX_AGE)
        else:
            provider = parameters.SecretsProvider(boto3_client=client)
            document = provider.get(target.secret_arn, transform="json", max_age=SECRET_MAX_AGE)
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
    return parse_db_secret(document, f"{target.secret_arn} (target {target.name})")
