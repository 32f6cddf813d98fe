"""For humans only, never run in CI: rewrite tests/cases/*/expected.json from PostgreSQL 16.

    python -m tests.update_golden [CASE ...]

Read every diff it prints before committing: a golden file is a claim about what is right.
"""

from __future__ import annotations

import json
import sys

from pgdrift.compare.analyze import analyze
from tests.golden import CASES, CASES_DIR, case_config, case_snapshot, golden_form
from tests.support import start_test_server


def main(names: list[str]) -> None:
    server = start_test_server(16)
    try:
        for case in names or CASES:
            expected = case_snapshot(server, case, "before")
            actual = case_snapshot(server, case, "after")
            changes = [golden_form(change) for change in analyze(expected, actual, case_config(case))]
            text = json.dumps(changes, indent=2, ensure_ascii=False) + "\n"
            (CASES_DIR / case / "expected.json").write_text(text, encoding="utf-8")
            print(f"{case}: {len(changes)} change(s)")
    finally:
        assert server.embedded is not None
        server.embedded.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
