"""The monitor's network: the imported VPC and subnets, its security group and the VPC endpoints.

Everything is imported by id (no lookups), so synth works offline. The monitor's security group
allows egress only to the databases' ports and HTTPS to the endpoints (or, without our endpoints,
to the configured CIDR of a NAT or existing endpoints).
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from infra.config import DeployConfig

INTERFACE_SERVICES = ("secretsmanager", "sns")
HTTPS = 443


@dataclass(frozen=True)
class MonitorNetwork:
    vpc: ec2.IVpc
    subnets: list[ec2.ISubnet]
    security_group: ec2.SecurityGroup
    s3_endpoint_id: str | None  # the S3 gateway endpoint this stack creates, if any


def create_network(scope: Construct, config: DeployConfig) -> MonitorNetwork:
    network = config.network
    vpc = ec2.Vpc.from_vpc_attributes(scope, "Vpc", vpc_id=config.vpc_id,
                                      availability_zones=list(network.availability_zones))
    subnets = [_import_subnet(scope, index, subnet_id) for index, subnet_id in enumerate(config.subnet_ids)]
    security_group = ec2.SecurityGroup(scope, "MonitorSecurityGroup", vpc=vpc, allow_all_outbound=False,
                                       description="pgdrift monitor: database ports and HTTPS to AWS APIs only")
    _allow_databases(scope, security_group, config)
    s3_endpoint_id = None
    if network.vpc_endpoints:
        s3_endpoint_id = _create_endpoints(scope, config, vpc, security_group)
    else:
        assert network.https_egress_cidr is not None  # config requires it without endpoints
        security_group.add_egress_rule(ec2.Peer.ipv4(network.https_egress_cidr), ec2.Port.tcp(HTTPS),
                                       "HTTPS to AWS APIs through the existing endpoints or NAT")
    return MonitorNetwork(vpc, subnets, security_group, s3_endpoint_id)


def _import_subnet(scope: Construct, index: int, subnet_id: str) -> ec2.ISubnet:
    subnet = ec2.Subnet.from_subnet_id(scope, f"Subnet{index}", subnet_id)
    # The Lambda needs only the subnet id; route tables matter only to the S3 gateway endpoint,
    # which takes network.route_table_ids directly.
    cdk.Annotations.of(subnet).acknowledge_warning("@aws-cdk/aws-ec2:noSubnetRouteTableId",
                                                   "pgdrift never reads the subnet's route table")
    return subnet


def _allow_databases(scope: Construct, security_group: ec2.SecurityGroup, config: DeployConfig) -> None:
    for index, (db_group_id, port) in enumerate(config.db_endpoints):
        database = ec2.SecurityGroup.from_security_group_id(scope, f"DatabaseGroup{index}", db_group_id,
                                                            mutable=False)
        security_group.add_egress_rule(database, ec2.Port.tcp(port), f"PostgreSQL {db_group_id}:{port}")
        # The database's group must admit the monitor; added here so one deploy makes it work.
        ec2.CfnSecurityGroupIngress(scope, f"DatabaseIngress{index}", group_id=db_group_id, ip_protocol="tcp",
                                    from_port=port, to_port=port,
                                    source_security_group_id=security_group.security_group_id,
                                    description="pgdrift monitor (schema catalog reads)")


def _create_endpoints(scope: Construct, config: DeployConfig, vpc: ec2.IVpc,
                      monitor_group: ec2.SecurityGroup) -> str:
    """The interface endpoints and the S3 gateway endpoint; returns the latter's id."""
    region = cdk.Stack.of(scope).region
    network = config.network
    endpoint_group = ec2.SecurityGroup(scope, "EndpointSecurityGroup", vpc=vpc, allow_all_outbound=False,
                                       description="pgdrift VPC endpoints: HTTPS from the monitor only")
    endpoint_group.add_ingress_rule(monitor_group, ec2.Port.tcp(HTTPS), "HTTPS from the pgdrift monitor")
    monitor_group.add_egress_rule(endpoint_group, ec2.Port.tcp(HTTPS), "HTTPS to the interface endpoints")
    # STS only when a target is read through an assumed role (cross-account).
    services = INTERFACE_SERVICES + (("sts",) if any(target.assume_role_arn for target in config.targets) else ())
    for service in services:
        # L1: the L2 wants one subnet per AZ with known AZs, which id-imported subnets lack.
        ec2.CfnVPCEndpoint(scope, f"{service.capitalize()}Endpoint", vpc_id=config.vpc_id,
                           service_name=f"com.amazonaws.{region}.{service}", vpc_endpoint_type="Interface",
                           subnet_ids=list(config.subnet_ids), security_group_ids=[endpoint_group.security_group_id],
                           private_dns_enabled=True)
    s3_endpoint = ec2.CfnVPCEndpoint(scope, "S3Endpoint", vpc_id=config.vpc_id,
                                     service_name=f"com.amazonaws.{region}.s3", vpc_endpoint_type="Gateway",
                                     route_table_ids=list(network.route_table_ids))
    assert network.s3_prefix_list_id is not None  # config requires it with endpoints
    monitor_group.add_egress_rule(ec2.Peer.prefix_list(network.s3_prefix_list_id), ec2.Port.tcp(HTTPS),
                                  "HTTPS to S3 through the gateway endpoint")
    return s3_endpoint.ref
