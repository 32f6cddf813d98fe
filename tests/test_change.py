"""A `Change` is frozen all the way down: its detail is a read-only mapping, and folding builds
new findings rather than editing the ones it was given."""

from __future__ import annotations

import json

import pytest

from pgdrift.compare.diff import fold_privileges, fold_table_children
from pgdrift.compare.findings import Change
from pgdrift.render.json_report import change_to_json
from pgdrift.vocabulary import ChangeType


def test_detail_is_read_only() -> None:
    change = Change(kind="table", change=ChangeType.MISSING, object="public.t", detail={"children": {"column": 2}})
    with pytest.raises(TypeError):
        change.detail["children"] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        change.detail["children"]["column"] = 3
    assert change.detail == {"children": {"column": 2}}
    assert json.dumps(change_to_json(change)["detail"]) == '{"children": {"column": 2}}'


def test_folding_leaves_its_input_alone() -> None:
    # Given a missing table with a column, and a grant on it
    table = Change(kind="table", change=ChangeType.MISSING, object="public.t", table="public.t")
    column = Change(kind="column", change=ChangeType.MISSING, object="public.t.a", table="public.t")
    grant = Change(kind="privilege", change=ChangeType.MISSING, object="table public.t TO app",
                   expected={"object_type": "table", "object": "public.t", "grantee": "app"})
    # When the children and the grant are folded into the table's finding
    folded = fold_privileges(fold_table_children([table, column, grant]))
    # Then the result counts both, and the finding passed in is unchanged
    assert [change.object for change in folded] == ["public.t"]
    assert folded[0].detail == {"children": {"column": 1, "privilege": 1}}
    assert table.detail == {}
