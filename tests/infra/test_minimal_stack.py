"""The smallest configuration: one target, a VPC that already has endpoints or a NAT, no Slack,
no email, no dashboards. The optional parts disappear and the checks still hold."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infra.synth import ROOT, TEST_CONFIG, synth_once, synth_with_python

pytestmark = pytest.mark.infra


def minimal_config() -> dict[str, Any]:
    document = json.loads((ROOT / TEST_CONFIG).read_text())["pgdrift"]
    document["stack_name"] = "pgdrift-minimal"
    document["targets"] = document["targets"][:1]
    document["network"] = {"availability_zones": ["us-east-1a"], "vpc_endpoints": False,
                           "https_egress_cidr": "10.20.0.0/16"}
    document["alerting"] = {}
    document["monitor"] = {"dashboards": False}
    del document["expected_artifacts_path"]
    del document["retention"]  # the defaults: Object Lock off
    return document


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    context = {"pgdrift": json.dumps(minimal_config()), "pgdrift:skip_bundling": True}
    outdir = synth_once(tmp_path_factory, "minimal.out", lambda outdir: synth_with_python(outdir, context))
    return {"template": json.loads((outdir / "pgdrift-minimal.template.json").read_text()),
            "report": json.loads((outdir / "validation-report.json").read_text())}


def _types(template: dict[str, Any]) -> list[str]:
    return [body["Type"] for body in template["Resources"].values()]


def test_optional_parts_are_absent(synthesized: dict[str, Any]) -> None:
    types = _types(synthesized["template"])
    assert types.count("AWS::Lambda::Function") == 1  # the monitor only
    assert "AWS::EC2::VPCEndpoint" not in types
    assert "AWS::SNS::Subscription" not in types
    assert "AWS::CloudWatch::Dashboard" not in types
    assert types.count("AWS::Scheduler::Schedule") == 1
    # errors + throttles, two DLQs, the state store, one heartbeat
    assert types.count("AWS::CloudWatch::Alarm") == 6


def test_defaults_lock_no_objects_and_leave_the_bucket_to_its_iam_policies(synthesized: dict[str, Any]) -> None:
    # Object Lock is off by default; without our S3 endpoint there is none to restrict the bucket to.
    resources = synthesized["template"]["Resources"]
    [(bucket_id, bucket)] = [(name, body["Properties"]) for name, body in resources.items()
                             if name.startswith("DataBucket") and body["Type"] == "AWS::S3::Bucket"]
    assert "ObjectLockEnabled" not in bucket and "ObjectLockConfiguration" not in bucket
    [policy] = [body["Properties"] for body in resources.values() if body["Type"] == "AWS::S3::BucketPolicy"
                and body["Properties"]["Bucket"] == {"Ref": bucket_id}]
    assert "aws:SourceVpce" not in json.dumps(policy)


def test_https_egress_goes_to_the_configured_cidr_only(synthesized: dict[str, Any]) -> None:
    resources = synthesized["template"]["Resources"]
    [group] = [body["Properties"] for name, body in resources.items() if name.startswith("MonitorSecurityGroup")
               and body["Type"] == "AWS::EC2::SecurityGroup"]
    rules = group.get("SecurityGroupEgress", []) + [
        body["Properties"] for body in resources.values() if body["Type"] == "AWS::EC2::SecurityGroupEgress"]
    https = [rule for rule in rules if rule["FromPort"] == 443]
    assert [rule.get("CidrIp") for rule in https] == ["10.20.0.0/16"]
    assert not [rule for rule in rules if rule.get("CidrIp") == "0.0.0.0/0"]


def test_minimal_stack_passes_cdk_nag_too(synthesized: dict[str, Any]) -> None:
    for report in synthesized["report"]["pluginReports"]:
        assert report["violations"] == [], report["pluginName"]
