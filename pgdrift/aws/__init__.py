"""boto3 adapters for the monitor: S3 store, SNS publisher, Secrets Manager credentials.

Not core: only the Lambda handlers, the CLI's S3 commands and the demo import these.
"""
