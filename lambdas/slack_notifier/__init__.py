"""The Slack notifier Lambda: SNS alert -> Block Kit message (runs outside the VPC)."""
