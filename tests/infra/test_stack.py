"""Template assertions on the stack synthesized from tests/infra/config.json (three targets, one
cross-account, Slack, two email subscribers, the optional artifact upload), plus cdk-nag and cfn-lint."""

from __future__ import annotations

import fnmatch
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from infra import nag
from infra.config import CONNECTIONS_PER_RUN, read_config_file
from pgdrift import contract
from pgdrift.compare.findings import SEVERITIES
from pgdrift.monitor.layout import RunRecord
from tests.infra.synth import ROOT, TEST_CONFIG, Synthesized, synth_test_stack

pytestmark = pytest.mark.infra

CONFIG = read_config_file(ROOT / TEST_CONFIG)
# Actions whose AWS APIs have no resource-level permissions: the only ones allowed on "*".
STAR_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"}


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synth_test_stack(tmp_path_factory)


@pytest.fixture(scope="module")
def resources(synthesized: Synthesized) -> dict[str, Any]:
    return synthesized.template["Resources"]


@pytest.fixture(scope="module")
def template(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.template)


def of_type(resources: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: body["Properties"] for name, body in resources.items() if body["Type"] == kind}


def one(resources: dict[str, Any], kind: str, prefix: str) -> tuple[str, dict[str, Any]]:
    found = [(name, body) for name, body in of_type(resources, kind).items() if name.startswith(prefix)]
    assert len(found) == 1, f"expected one {kind} named {prefix}*, found {[name for name, _ in found]}"
    return found[0]


def statements(resources: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for kind in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
        for name, properties in of_type(resources, kind).items():
            for statement in properties["PolicyDocument"]["Statement"]:
                yield name, statement


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_resource_counts(template: Template) -> None:
    targets = len(CONFIG.targets)
    template.resource_count_is("AWS::KMS::Key", 1)
    template.resource_count_is("AWS::S3::Bucket", 2)  # data + access logs
    template.resource_count_is("AWS::SNS::Topic", 1)
    template.resource_count_is("AWS::Lambda::Function", 3)  # monitor, Slack, CDK's BucketDeployment provider
    template.resource_count_is("AWS::Scheduler::Schedule", targets)
    template.resource_count_is("AWS::CloudWatch::Dashboard", targets)
    template.resource_count_is("AWS::SQS::Queue", 4)  # monitor, scheduler, Slack function, Slack delivery
    # errors + throttles of two functions, four DLQ depths, one heartbeat per target
    template.resource_count_is("AWS::CloudWatch::Alarm", 4 + 4 + 1 + targets)
    template.resource_count_is("AWS::EC2::VPCEndpoint", 4)  # + STS: one target is cross-account
    template.resource_count_is("AWS::SNS::Subscription", 3)  # two emails + Slack
    template.resource_count_is("AWS::IAM::Policy", 0)  # no inline policies anywhere (HIPAA)


def test_key_rotates_and_encrypts_bucket_topic_queues_and_logs(resources: dict[str, Any]) -> None:
    key_id, key = one(resources, "AWS::KMS::Key", "Key")
    assert key["EnableKeyRotation"] is True
    key_arn = {"Fn::GetAtt": [key_id, "Arn"]}
    _, bucket = one(resources, "AWS::S3::Bucket", "DataBucket")
    encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}
    _, topic = one(resources, "AWS::SNS::Topic", "AlertTopic")
    assert topic["KmsMasterKeyId"] == key_arn
    queues = of_type(resources, "AWS::SQS::Queue")
    assert queues and all(queue["KmsMasterKeyId"] == key_arn for queue in queues.values())
    log_groups = of_type(resources, "AWS::Logs::LogGroup")
    assert len(log_groups) == 3 and all(group["KmsKeyId"] == key_arn for group in log_groups.values())  # + upload
    assert {group["RetentionInDays"] for group in log_groups.values()} == {90}


def test_data_bucket_is_versioned_private_logged_ssl_only_with_retention(resources: dict[str, Any]) -> None:
    _, bucket = one(resources, "AWS::S3::Bucket", "DataBucket")
    log_bucket_id, _ = one(resources, "AWS::S3::Bucket", "AccessLogBucket")
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert bucket["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": log_bucket_id}
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"] if "Id" in rule}
    for prefix in (contract.PREFIX_SNAPSHOTS, contract.PREFIX_RUNS, contract.PREFIX_REPORTS):
        rule = rules[f"expire-{prefix.rstrip('/')}"]
        assert rule["Prefix"] == prefix and rule["ExpirationInDays"] == CONFIG.retention.days
        assert rule["Transitions"] == [{"StorageClass": "STANDARD_IA",
                                        "TransitionInDays": CONFIG.retention.transition_days}]
    expiring = {rule.get("Prefix") for rule in bucket["LifecycleConfiguration"]["Rules"] if "ExpirationInDays" in rule}
    assert not expiring & {contract.PREFIX_EXPECTED, contract.PREFIX_STATE, contract.PREFIX_LATEST}
    # state/ and latest/ are rewritten by every run: their old versions expire, the current one never.
    for prefix in (contract.PREFIX_STATE, contract.PREFIX_LATEST):
        [rule] = [rule for rule in bucket["LifecycleConfiguration"]["Rules"] if rule.get("Prefix") == prefix]
        assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30} and rule["Status"] == "Enabled"
        assert not {"ExpirationInDays", "ExpirationDate", "Transitions"} & set(rule)
    _, policy = one(resources, "AWS::S3::BucketPolicy", "DataBucketPolicy")
    assert [statement for statement in policy["PolicyDocument"]["Statement"] if statement["Effect"] == "Deny"
            and statement.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}]


def test_data_bucket_locks_new_versions_in_governance_mode_when_configured(resources: dict[str, Any]) -> None:
    _, bucket = one(resources, "AWS::S3::Bucket", "DataBucket")
    assert CONFIG.retention.object_lock_days == 90
    assert bucket["ObjectLockEnabled"] is True
    assert bucket["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 90}}}
    # Nothing in the stack may bypass governance retention.
    assert not [name for name, statement in statements(resources)
                if "s3:BypassGovernanceRetention" in as_list(statement["Action"])]


def _endpoint_statement(resources: dict[str, Any]) -> dict[str, Any]:
    _, policy = one(resources, "AWS::S3::BucketPolicy", "DataBucketPolicy")
    [statement] = [statement for statement in policy["PolicyDocument"]["Statement"]
                   if "aws:SourceVpce" in json.dumps(statement.get("Condition", {}))]
    return statement


def test_data_bucket_denies_object_access_outside_the_s3_endpoint(resources: dict[str, Any]) -> None:
    endpoint_id, _ = one(resources, "AWS::EC2::VPCEndpoint", "S3Endpoint")
    statement = _endpoint_statement(resources)
    assert statement["Effect"] == "Deny" and statement["Principal"] == {"AWS": "*"}
    condition = statement["Condition"]
    assert condition["StringNotEqualsIfExists"] == {"aws:SourceVpce": {"Ref": endpoint_id}}
    # Athena reads runs/ and writes results with the caller's forward access session: not through the endpoint.
    assert condition["BoolIfExists"] == {"aws:ViaAWSService": "false", "aws:PrincipalIsAWSService": "false"}
    # CI and operators as configured, plus the deploy-time upload's role (a CDK function outside the VPC).
    exempt = condition["ArnNotLikeIfExists"]["aws:PrincipalArn"]
    assert exempt[:2] == list(CONFIG.network.bucket_access_principals)
    upload_role_id, _ = one(resources, "AWS::IAM::Role", "ExpectedUploadRole")
    assert exempt[2:] == [{"Fn::GetAtt": [upload_role_id, "Arn"]}]
    bucket_id, _ = one(resources, "AWS::S3::Bucket", "DataBucket")
    assert {json.dumps(resource) for resource in statement["Resource"]} == {
        json.dumps({"Fn::GetAtt": [bucket_id, "Arn"]}),
        json.dumps({"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/*"]]})}


def test_endpoint_restriction_covers_the_monitors_object_access_but_not_bucket_management(
        resources: dict[str, Any]) -> None:
    denied = as_list(_endpoint_statement(resources)["Action"])
    monitor_s3 = {action for name, statement in statements(resources) if name.startswith("MonitorRolePolicy")
                  for action in as_list(statement["Action"]) if action.startswith("s3:")}
    assert monitor_s3 and all(any(fnmatch.fnmatchcase(action, pattern) for pattern in denied)
                              for action in monitor_s3), (monitor_s3, denied)
    # CloudFormation (and an administrator) can still change the bucket and its policy.
    management = ("s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:GetBucketPolicy", "s3:PutLifecycleConfiguration",
                  "s3:PutBucketVersioning", "s3:PutBucketObjectLockConfiguration", "s3:PutEncryptionConfiguration",
                  "s3:PutBucketLogging", "s3:PutBucketPublicAccessBlock")
    assert not [action for action in management if any(fnmatch.fnmatchcase(action, pattern) for pattern in denied)]


def test_monitor_function_runs_arm64_in_private_subnets_with_dlq_xray_and_limits(resources: dict[str, Any]) -> None:
    _, function = one(resources, "AWS::Lambda::Function", "MonitorFunction")
    assert function["Architectures"] == ["arm64"]
    assert function["Runtime"] == "python3.12"
    # Derived from the tightest connection limit (ledger's 6): 3 runs x 2 connections fit.
    assert function["ReservedConcurrentExecutions"] == CONFIG.monitor.reserved_concurrency == 3
    assert min(target.connection_limit for target in CONFIG.targets) == 6 >= 3 * CONNECTIONS_PER_RUN
    assert function["Timeout"] == 60
    assert function["TracingConfig"] == {"Mode": "Active"}
    assert "TargetArn" in function["DeadLetterConfig"]
    function_id, _ = one(resources, "AWS::Lambda::Function", "MonitorFunction")
    [invoke_config] = [body for body in of_type(resources, "AWS::Lambda::EventInvokeConfig").values()
                       if body["FunctionName"] == {"Ref": function_id}]
    # A run whose alert could not be published fails the invocation; Lambda retries re-publish it.
    assert invoke_config["MaximumRetryAttempts"] == 2 and invoke_config["MaximumEventAgeInSeconds"] == 3600
    assert sorted(function["VpcConfig"]["SubnetIds"]) == [
        "subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"]
    group_id, _ = one(resources, "AWS::EC2::SecurityGroup", "MonitorSecurityGroup")
    assert function["VpcConfig"]["SecurityGroupIds"] == [{"Fn::GetAtt": [group_id, "GroupId"]}]
    assert any("AWSLambdaPowertoolsPythonV3-python312-arm64:27" in json.dumps(layer)
               for layer in function["Layers"])


def test_monitor_egress_only_database_ports_and_https_to_endpoints(resources: dict[str, Any]) -> None:
    monitor_id, monitor_group = one(resources, "AWS::EC2::SecurityGroup", "MonitorSecurityGroup")
    endpoint_id, endpoint_group = one(resources, "AWS::EC2::SecurityGroup", "EndpointSecurityGroup")
    egress = [rule for rule in of_type(resources, "AWS::EC2::SecurityGroupEgress").values()
              if rule["GroupId"] == {"Fn::GetAtt": [monitor_id, "GroupId"]}]
    egress += monitor_group.get("SecurityGroupEgress", [])
    destinations = sorted(
        (json.dumps(rule.get("DestinationSecurityGroupId") or rule.get("DestinationPrefixListId")
                    or rule.get("CidrIp")), rule["FromPort"], rule["ToPort"]) for rule in egress)
    assert destinations == sorted([
        ('"sg-0000000000000000a"', 5432, 5432), ('"sg-0000000000000000b"', 6432, 6432),
        (json.dumps({"Fn::GetAtt": [endpoint_id, "GroupId"]}), 443, 443), ('"pl-63a5400a"', 443, 443)])
    # The endpoints admit HTTPS from the monitor only.
    ingress = endpoint_group.get("SecurityGroupIngress", []) + [
        rule for rule in of_type(resources, "AWS::EC2::SecurityGroupIngress").values()
        if rule["GroupId"] == {"Fn::GetAtt": [endpoint_id, "GroupId"]}]
    assert [(rule["SourceSecurityGroupId"], rule["FromPort"]) for rule in ingress] == [
        ({"Fn::GetAtt": [monitor_id, "GroupId"]}, 443)]


def test_vpc_endpoints_need_no_nat(resources: dict[str, Any]) -> None:
    endpoints = {body["ServiceName"]: body for body in of_type(resources, "AWS::EC2::VPCEndpoint").values()}
    assert set(endpoints) == {"com.amazonaws.us-east-1.secretsmanager", "com.amazonaws.us-east-1.sns",
                              "com.amazonaws.us-east-1.sts", "com.amazonaws.us-east-1.s3"}
    assert endpoints["com.amazonaws.us-east-1.s3"]["VpcEndpointType"] == "Gateway"
    assert endpoints["com.amazonaws.us-east-1.s3"]["RouteTableIds"] == list(CONFIG.network.route_table_ids)
    for service in ("secretsmanager", "sns", "sts"):
        endpoint = endpoints[f"com.amazonaws.us-east-1.{service}"]
        assert endpoint["VpcEndpointType"] == "Interface" and endpoint["PrivateDnsEnabled"] is True


def test_one_schedule_per_target_with_time_zone_no_window_retries_and_dlq(resources: dict[str, Any]) -> None:
    schedules = {body["Name"]: body for body in of_type(resources, "AWS::Scheduler::Schedule").values()}
    queue_id, _ = one(resources, "AWS::SQS::Queue", "ScheduleDeadLetterQueue")
    function_id, _ = one(resources, "AWS::Lambda::Function", "MonitorFunction")
    assert set(schedules) == {f"pgdrift-test-{target.name}" for target in CONFIG.targets}
    for target in CONFIG.targets:
        schedule = schedules[f"pgdrift-test-{target.name}"]
        assert schedule["ScheduleExpression"] == target.schedule.expression
        assert schedule["ScheduleExpressionTimezone"] == target.schedule.time_zone
        assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
        assert schedule["Target"]["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}
        assert json.loads(schedule["Target"]["Input"]) == {"target": target.name, "trigger": "schedule"}
        assert schedule["Target"]["RetryPolicy"] == {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600}
        assert schedule["Target"]["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue_id, "Arn"]}}


def test_email_filter_policies_follow_min_severity(resources: dict[str, Any]) -> None:
    emails = {body["Endpoint"]: body for body in of_type(resources, "AWS::SNS::Subscription").values()
              if body["Protocol"] == "email"}
    assert "FilterPolicy" not in emails["oncall@example.com"]
    audit = emails["audit@example.com"]
    assert audit["FilterPolicyScope"] == "MessageAttributes"
    assert audit["FilterPolicy"] == {"$or": [{"severity": ["critical", "high", "none"]},
                                             {"severity": [{"exists": False}]}]}


def test_slack_notifier_is_outside_the_vpc_with_dlqs(resources: dict[str, Any]) -> None:
    _, function = one(resources, "AWS::Lambda::Function", "SlackFunction")
    assert "VpcConfig" not in function
    assert function["Handler"] == contract.SLACK_HANDLER
    assert "TargetArn" in function["DeadLetterConfig"]
    lambda_subscriptions = [body for body in of_type(resources, "AWS::SNS::Subscription").values()
                            if body["Protocol"] == "lambda"]
    assert len(lambda_subscriptions) == 1 and "deadLetterTargetArn" in lambda_subscriptions[0]["RedrivePolicy"]
    # Alarm notifications (no severity attribute) are not the notifier's to render.
    assert lambda_subscriptions[0]["FilterPolicy"] == {"severity": [{"exists": True}]}


def test_no_wildcard_resource_except_for_actions_without_resource_level_permissions(
        resources: dict[str, Any]) -> None:
    stars = [(name, statement["Action"]) for name, statement in statements(resources)
             if "*" in as_list(statement["Resource"])]
    assert stars, "the X-Ray statements should be found (the check must be able to fail)"
    for name, actions in stars:
        assert set(as_list(actions)) <= STAR_ACTIONS, f"{name} allows {actions} on '*'"


def _policy_of(resources: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    _, policy = one(resources, "AWS::IAM::ManagedPolicy", prefix)
    return policy["PolicyDocument"]["Statement"]


def _resources_for(policy: list[dict[str, Any]], action: str) -> list[Any]:
    return [resource for statement in policy if action in as_list(statement["Action"])
            for resource in as_list(statement["Resource"])]


def test_an_iam_target_may_connect_as_its_user_only_and_signs_tokens(resources: dict[str, Any]) -> None:
    policy = _policy_of(resources, "MonitorRolePolicy")
    (resource,) = _resources_for(policy, "rds-db:connect")
    expected = f":rds-db:{CONFIG.region}:{CONFIG.account}:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/pgdrift_monitor"
    assert json.dumps(resource).endswith(expected + '"]]}')
    (function,) = [body for body in of_type(resources, "AWS::Lambda::Function").values()
                   if contract.ENV_TARGETS in json.dumps(body)]
    targets = json.loads(function["Environment"]["Variables"][contract.ENV_TARGETS])
    assert {target["name"]: target.get("auth") for target in targets} == {
        "orders": None, "ledger": "iam", "partner": None}


def test_monitor_reads_only_its_secrets_writes_only_its_prefixes_publishes_only_to_its_topic(
        resources: dict[str, Any]) -> None:
    policy = _policy_of(resources, "MonitorRolePolicy")
    own = sorted(target.secret_arn for target in CONFIG.targets if not target.assume_role_arn)
    assert sorted(_resources_for(policy, "secretsmanager:GetSecretValue")) == own
    assert _resources_for(policy, "sts:AssumeRole") == ["arn:aws:iam::444455556666:role/pgdrift-partner-reader"]
    bucket_id, _ = one(resources, "AWS::S3::Bucket", "DataBucket")
    written = sorted(resource["Fn::Join"][1][1] for resource in _resources_for(policy, "s3:PutObject"))
    assert written == sorted(f"/{prefix}*" for prefix in (
        contract.PREFIX_SNAPSHOTS, contract.PREFIX_RUNS, contract.PREFIX_REPORTS, contract.PREFIX_LATEST,
        contract.PREFIX_STATE))
    assert all(resource["Fn::Join"][1][0] == {"Fn::GetAtt": [bucket_id, "Arn"]}
               for resource in _resources_for(policy, "s3:PutObject"))
    topic_id, _ = one(resources, "AWS::SNS::Topic", "AlertTopic")
    assert _resources_for(policy, "sns:Publish") == [{"Ref": topic_id}]
    slack_policy = _policy_of(resources, "SlackRolePolicy")
    assert _resources_for(slack_policy, "secretsmanager:GetSecretValue") == [
        CONFIG.alerting.slack_webhook_secret_arn]
    assert not _resources_for(slack_policy, "s3:PutObject") and not _resources_for(slack_policy, "sns:Publish")


def test_lambda_roles_have_no_inline_or_aws_managed_policies(resources: dict[str, Any]) -> None:
    for name in ("MonitorRole", "SlackRole", "SchedulerRole"):
        _, role = one(resources, "AWS::IAM::Role", name)
        assert "Policies" not in role and "ManagedPolicyArns" not in role, name


def test_topic_policy_denies_publishers_other_than_the_monitor(resources: dict[str, Any]) -> None:
    _, policy = one(resources, "AWS::SNS::TopicPolicy", "AlertTopicPolicy")
    role_id, _ = one(resources, "AWS::IAM::Role", "MonitorRole")
    deny = [statement for statement in policy["PolicyDocument"]["Statement"]
            if statement.get("Sid") == "DenyOtherPublishers"]
    assert len(deny) == 1 and deny[0]["Effect"] == "Deny" and deny[0]["Action"] == "sns:Publish"
    assert deny[0]["Condition"]["StringNotEquals"]["aws:PrincipalArn"] == [{"Fn::GetAtt": [role_id, "Arn"]}]
    assert deny[0]["Condition"]["Bool"] == {"aws:PrincipalIsAWSService": "false"}
    alarms = [statement for statement in policy["PolicyDocument"]["Statement"]
              if statement.get("Sid") == "AllowAlarmsOfThisAccount"]
    assert alarms[0]["Principal"] == {"Service": "cloudwatch.amazonaws.com"}


def test_alarms_into_the_topic(resources: dict[str, Any]) -> None:
    topic_id, _ = one(resources, "AWS::SNS::Topic", "AlertTopic")
    alarms = of_type(resources, "AWS::CloudWatch::Alarm")
    assert all(alarm["AlarmActions"] == [{"Ref": topic_id}] for alarm in alarms.values())
    by_metric: dict[str, int] = {}
    for alarm in alarms.values():
        by_metric[alarm.get("MetricName", "")] = by_metric.get(alarm.get("MetricName", ""), 0) + 1
    assert by_metric == {"Errors": 2, "Throttles": 2, "ApproximateNumberOfMessagesVisible": 4,
                         "Success": len(CONFIG.targets), contract.METRIC_STATE_STORE_ERRORS: 1}


def test_one_state_store_alarm_watches_the_metric_the_monitor_emits_and_resolves_slowly(
        resources: dict[str, Any]) -> None:
    (alarm,) = [alarm for alarm in of_type(resources, "AWS::CloudWatch::Alarm").values()
                if alarm.get("MetricName") == contract.METRIC_STATE_STORE_ERRORS]
    # The dimensions the monitor gives the metric (tests/lambdas/test_fault_matrix.py): service only
    assert alarm["Namespace"] == contract.METRICS_NAMESPACE
    assert alarm["Dimensions"] == [{"Name": "service", "Value": contract.SERVICE_NAME}]
    assert (alarm["Statistic"], alarm["Threshold"], alarm["DatapointsToAlarm"], alarm["EvaluationPeriods"]) == (
        "Maximum", 1, 1, 3)
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["Period"] == 60 * min(target.schedule.period_minutes for target in CONFIG.targets)
    assert len(alarm["AlarmActions"]) == 1 and alarm["OKActions"] == alarm["AlarmActions"]


@pytest.mark.parametrize(("target", "period"), [("orders", 3600), ("ledger", 6 * 3600), ("partner", 86400)])
def test_missed_heartbeat_alarm_per_target_treats_missing_data_as_breaching(
        resources: dict[str, Any], target: str, period: int) -> None:
    heartbeats = [alarm for alarm in of_type(resources, "AWS::CloudWatch::Alarm").values()
                  if alarm.get("MetricName") == "Success"
                  and {"Name": "target", "Value": target} in alarm["Dimensions"]]
    assert len(heartbeats) == 1
    alarm = heartbeats[0]
    assert alarm["Namespace"] == contract.METRICS_NAMESPACE
    assert {"Name": "service", "Value": contract.SERVICE_NAME} in alarm["Dimensions"]
    assert alarm["TreatMissingData"] == "breaching"
    assert alarm["ComparisonOperator"] == "LessThanThreshold" and alarm["Threshold"] == 1
    assert alarm["EvaluationPeriods"] == 2 and alarm["Period"] == period and alarm["Statistic"] == "Sum"


def test_dashboard_per_target_shows_findings_lag_and_duration(resources: dict[str, Any]) -> None:
    dashboards = {body["DashboardName"]: json.dumps(body["DashboardBody"])
                  for body in of_type(resources, "AWS::CloudWatch::Dashboard").values()}
    assert set(dashboards) == {f"pgdrift-test-{target.name}" for target in CONFIG.targets}
    body = dashboards["pgdrift-test-ledger"]
    for metric in [f"Findings{severity.title()}" for severity in SEVERITIES] + ["LagDays", "SnapshotDurationMs"]:
        assert metric in body
    assert "orders" not in body


def test_glue_table_projects_target_and_date_partitions(resources: dict[str, Any]) -> None:
    _, table = one(resources, "AWS::Glue::Table", "RunsTable")
    table_input = table["TableInput"]
    assert [key["Name"] for key in table_input["PartitionKeys"]] == ["target", "date"]
    parameters = table_input["Parameters"]
    assert parameters["projection.enabled"] == "true"
    assert parameters["projection.target.type"] == "enum"
    assert parameters["projection.target.values"] == "orders,ledger,partner,_unknown,_settings"
    assert parameters["projection.date.type"] == "date" and parameters["projection.date.format"] == "yyyy-MM-dd"
    template = json.dumps(parameters["storage.location.template"])
    assert f"/{contract.PREFIX_RUNS}target=${{target}}/date=${{date}}/" in template
    columns = [column["Name"] for column in table_input["StorageDescriptor"]["Columns"]]
    assert columns == [name for name in RunRecord.__dataclass_fields__ if name != "target"]
    _, workgroup = one(resources, "AWS::Athena::WorkGroup", "WorkGroup")
    result = workgroup["WorkGroupConfiguration"]["ResultConfiguration"]
    assert result["EncryptionConfiguration"]["EncryptionOption"] == "SSE_KMS"
    assert workgroup["WorkGroupConfiguration"]["EnforceWorkGroupConfiguration"] is True


def test_expected_artifacts_upload_goes_to_the_expected_prefix(template: Template,
                                                              resources: dict[str, Any]) -> None:
    template.has_resource_properties("Custom::CDKBucketDeployment", {
        "DestinationBucketKeyPrefix": Match.string_like_regexp(f"^{contract.PREFIX_EXPECTED}"), "Prune": False})
    # Its role writes only under expected/ and reads only its own asset object.
    policy = _policy_of(resources, "ExpectedUploadRolePolicy")
    assert [resource["Fn::Join"][1][1] for resource in _resources_for(policy, "s3:PutObject")] == [
        f"/{contract.PREFIX_EXPECTED}*"]
    [asset_object] = _resources_for(policy, "s3:GetObject")
    assert json.dumps(asset_object).endswith('.zip"]]}'), asset_object
    assert not _resources_for(policy, "s3:DeleteObject")


# --- cdk-nag ---------------------------------------------------------------------------------

# Every acknowledged finding, by construct and finding. A new acknowledgement must be added here.
EXPECTED_ACKNOWLEDGEMENTS = {
    ("MonitorRolePolicy", "AwsSolutions::AwsSolutions-IAM5[Resource::*]"),
    *(("MonitorRolePolicy", f"AwsSolutions::AwsSolutions-IAM5[Resource::<{{data_bucket}}.Arn>/{prefix}/*]")
      for prefix in ("expected", "latest", "reports", "runs", "snapshots", "state")),
    ("SlackRolePolicy", "AwsSolutions::AwsSolutions-IAM5[Resource::*]"),
    ("MonitorFunction", "AwsSolutions::AwsSolutions-L1"),
    ("SlackFunction", "AwsSolutions::AwsSolutions-L1"),
    ("ScheduleDeadLetterQueue", "AwsSolutions::AwsSolutions-SQS3"),
    ("SlackDeliveryDeadLetterQueue", "AwsSolutions::AwsSolutions-SQS3"),
    ("SlackFunction", "HIPAA.Security::HIPAA.Security-LambdaInsideVPC"),
    ("DataBucket", "HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled"),
    ("AccessLogBucket", "HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled"),
    ("AccessLogBucket", "HIPAA.Security::HIPAA.Security-S3DefaultEncryptionKMS"),
}
EXPECTED_BUCKET_DEPLOYMENT_ACKNOWLEDGEMENTS = {
    ("ExpectedUploadRolePolicy", "AwsSolutions::AwsSolutions-IAM5[Resource::<{data_bucket}.Arn>/expected/*]"),
    *((nag.BUCKET_DEPLOYMENT, finding) for finding in (
        "AwsSolutions::AwsSolutions-L1", "HIPAA.Security::HIPAA.Security-LambdaInsideVPC",
        "HIPAA.Security::HIPAA.Security-LambdaConcurrency", "HIPAA.Security::HIPAA.Security-LambdaDLQ")),
}


def test_cdk_nag_has_zero_unacknowledged_findings(synthesized: Synthesized) -> None:
    reports = {report["pluginName"]: report for report in synthesized.validation_report["pluginReports"]}
    assert set(reports) == {"AwsSolutions", "HIPAA.Security"}
    for name, report in reports.items():
        assert report["violations"] == [], name
        assert report["conclusion"] == "success", name


def test_acknowledgements_are_exactly_the_listed_ones_each_with_a_specific_reason() -> None:
    assert {(item.path, item.finding) for item in nag.ACKNOWLEDGEMENTS} == EXPECTED_ACKNOWLEDGEMENTS
    assert {(item.path, item.finding) for item in nag.BUCKET_DEPLOYMENT_ACKNOWLEDGEMENTS} == (
        EXPECTED_BUCKET_DEPLOYMENT_ACKNOWLEDGEMENTS)
    reasons = [item.reason for item in nag.ACKNOWLEDGEMENTS + nag.BUCKET_DEPLOYMENT_ACKNOWLEDGEMENTS]
    assert all(len(reason) >= 50 for reason in reasons), "a reason must say why, specifically"
    assert len(set(reasons)) == len(reasons), "each acknowledgement needs its own reason"


def test_acknowledgements_are_recorded_in_the_template(resources: dict[str, Any]) -> None:
    recorded = {rule["id"] for body in resources.values()
                for rule in body.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])}
    assert "HIPAA.Security::HIPAA.Security-LambdaInsideVPC" in recorded
    assert all(rule.get("reason") for body in resources.values()
               for rule in body.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []))


def test_cfn_lint_finds_no_errors(synthesized: Synthesized) -> None:
    result = subprocess.run([sys.executable, "-m", "cfnlint", "--format", "parseable",
                             str(synthesized.template_path)], capture_output=True, text=True, check=False)
    # parseable lines: file:line:column:end-line:end-column:rule:message
    rules = [line.split(":")[5] for line in result.stdout.splitlines() if line.count(":") >= 6]
    assert not [rule for rule in rules if rule.startswith("E")], result.stdout
    assert set(rules) <= {"W3005"}, result.stdout  # W3005: CDK's redundant DependsOn, harmless
    assert result.returncode & 2 == 0, result.stdout  # cfn-lint's exit bit 2 means "errors found"
