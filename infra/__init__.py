"""The CDK app that deploys pgdrift: typed configuration, the stack and its constructs.

`infra/` imports `pgdrift.contract` (and pure core constants) but never `lambdas/`.
"""
