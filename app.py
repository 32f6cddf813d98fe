"""CDK entry point: `cdk synth` / `cdk deploy` (cdk.json runs this), or `python app.py` with CDK_OUTDIR.

The configuration comes from cdk.json context (see docs/deploying.md); a bad value stops the
synth with a message naming the key.
"""

from __future__ import annotations

import sys
from pathlib import Path

import aws_cdk as cdk

from infra.config import cdk_json_context
from infra.stack import build_app
from pgdrift.errors import PgDriftError


def main() -> int:
    root = Path(__file__).resolve().parent
    # Context given on the command line or by the CLI (CDK_CONTEXT_JSON) overrides cdk.json's.
    app = cdk.App(context=cdk_json_context(root / "cdk.json"))
    try:
        build_app(app, root)
    except PgDriftError as error:
        print(f"pgdrift: {error}", file=sys.stderr)
        return 2
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
