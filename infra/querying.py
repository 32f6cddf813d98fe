"""Athena over the run records: a Glue table with partition projection (no crawler) and a workgroup
whose results are KMS-encrypted in the data bucket."""

from __future__ import annotations

import dataclasses

import aws_cdk as cdk
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.config import DeployConfig
from infra.storage import PREFIX_ATHENA_RESULTS
from pgdrift import contract
from pgdrift.compare.findings import SEVERITIES
from pgdrift.monitor.layout import RunRecord

PROJECTION_START = "2024-01-01"
# Hive types of the run record's fields (pgdrift.monitor.layout.RunRecord); a new field without a type
# here fails synth, so the table cannot silently miss a column.
HIVE_TYPES = {
    "str": "string", "str | None": "string", "int": "bigint", "float | None": "double",
    "dict[str, int]": "struct<" + ",".join(f"{severity}:bigint" for severity in SEVERITIES) + ">",
    "dict[str, str]": "map<string,string>",
}
PARTITION_KEYS = ("target", "date")


def run_record_columns() -> list[glue.CfnTable.ColumnProperty]:
    """The table's columns: every RunRecord field except the partition keys."""
    # pgdrift.monitor.layout uses postponed annotations, so each field's type is its source text.
    return [glue.CfnTable.ColumnProperty(name=field.name, type=HIVE_TYPES[str(field.type)])
            for field in dataclasses.fields(RunRecord) if field.name not in PARTITION_KEYS]


def create_query_resources(scope: Construct, config: DeployConfig, bucket: s3.IBucket, key: kms.IKey) -> None:
    stack = cdk.Stack.of(scope)
    database_name = f"{config.stack_name.replace('-', '_')}_history"
    database = glue.CfnDatabase(scope, "HistoryDatabase", catalog_id=stack.account,
                                database_input=glue.CfnDatabase.DatabaseInputProperty(
                                    name=database_name, description="pgdrift run history"))
    location = f"s3://{bucket.bucket_name}/{contract.PREFIX_RUNS}"
    table = glue.CfnTable(
        scope, "RunsTable", catalog_id=stack.account, database_name=database_name,
        table_input=glue.CfnTable.TableInputProperty(
            name="runs", table_type="EXTERNAL_TABLE", description="one row per monitor run",
            partition_keys=[glue.CfnTable.ColumnProperty(name=name, type="string") for name in PARTITION_KEYS],
            parameters=_projection(config, location),
            storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                location=location, columns=run_record_columns(),
                input_format="org.apache.hadoop.mapred.TextInputFormat",
                output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                serde_info=glue.CfnTable.SerdeInfoProperty(
                    serialization_library="org.openx.data.jsonserde.JsonSerDe",
                    parameters={"ignore.malformed.json": "true"})),
        ))
    table.node.add_dependency(database)
    athena.CfnWorkGroup(
        scope, "WorkGroup", name=f"{config.stack_name}-history", recursive_delete_option=False,
        description="pgdrift history queries; results are KMS-encrypted and expire",
        work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
            enforce_work_group_configuration=True, publish_cloud_watch_metrics_enabled=True,
            bytes_scanned_cutoff_per_query=1024 ** 3,  # 1 GiB: run records are tiny; stops a runaway scan
            result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                output_location=f"s3://{bucket.bucket_name}/{PREFIX_ATHENA_RESULTS}",
                encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                    encryption_option="SSE_KMS", kms_key=key.key_arn))))


def _projection(config: DeployConfig, location: str) -> dict[str, str]:
    """Partition projection: the target names are known at synth time, dates are a range to NOW."""
    return {
        "classification": "json",
        "projection.enabled": "true",
        "projection.target.type": "enum",
        # the configured targets, and the partitions of runs that belong to none (rejected events,
        # broken settings), so that they are queryable too
        "projection.target.values": ",".join([*(target.name for target in config.targets), *contract.PSEUDO_TARGETS]),
        "projection.date.type": "date",
        "projection.date.format": "yyyy-MM-dd",
        "projection.date.range": f"{PROJECTION_START},NOW",
        "projection.date.interval": "1",
        "projection.date.interval.unit": "DAYS",
        "storage.location.template": location + "target=${target}/date=${date}/",
    }
