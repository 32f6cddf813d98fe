"""Rename candidates: a table or column that is missing while a similar one is unexpected.

Nothing here changes a database; a rename is a guess with a confidence in [0, 1] that a human
verifies. Similarity is judged from the names (`session` -> `sessions`, `team_channels` ->
`channels`), the column sets and types, the primary key and, for tables, the live row estimates.

The search is bounded: only unmatched objects are compared, candidates are found through an
inverted index of cheap signatures (name tokens, column name:type pairs), signatures shared by
very many tables are ignored, and each missing table scores at most `MAX_CANDIDATES` others.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

TABLE_THRESHOLD = 0.6
COLUMN_THRESHOLD = 0.65
MAX_CANDIDATES = 8
#: A signature shared by more unexpected tables than this says nothing (think `id bigint`).
MAX_SIGNATURE_SPREAD = 25
#: Above this many pairs in one table, only columns of the same type are compared.
MAX_COLUMN_PAIRS = 2500


@dataclass(frozen=True)
class Rename:
    kind: str  # "table" or "column"
    expected: str  # key on the expected side
    actual: str  # key on the actual side
    confidence: float
    evidence: str  # why, for the report's detail


def singular(word: str) -> str:
    """A crude English singular, enough to pair `sessions` with `session`."""
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def name_tokens(name: str) -> frozenset[str]:
    return frozenset(singular(token) for token in name.lower().split("_") if token)


def name_similarity(left: str, right: str) -> float:
    """1 for equal names, 0.95 for singular/plural, 0.8 when one's words contain the other's."""
    if left == right:
        return 1.0
    if singular(left) == singular(right):
        return 0.95
    first, second = sorted((left.lower(), right.lower()))  # SequenceMatcher is not symmetric
    ratio = SequenceMatcher(None, first, second, autojunk=False).ratio()
    left_tokens, right_tokens = name_tokens(left), name_tokens(right)
    if left_tokens and right_tokens and (left_tokens <= right_tokens or right_tokens <= left_tokens):
        ratio = max(ratio, 0.8)
    return ratio


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True)
class TableProfile:
    key: str
    schema: str
    name: str
    columns: frozenset[tuple[str, str]]  # (name, type)
    primary_key: str | None
    rows: int  # -1 when unknown

    def signatures(self) -> set[str]:
        tokens = {f"n:{token}" for token in name_tokens(self.name)}
        return tokens | {f"c:{name}:{type_}" for name, type_ in self.columns}


def table_profiles(objects: Mapping[str, Mapping[str, Any]], keys: Iterable[str]) -> dict[str, TableProfile]:
    """Profiles of the given tables, from one pass over columns and constraints."""
    tables = objects.get("table", {})
    # Match children by (schema, table) pairs: building a qualified name per column is the
    # slowest part of a 5,000-table comparison.
    wanted = {(tables[key].schema, tables[key].name): key for key in keys}
    columns: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for column in objects.get("column", {}).values():
        table = wanted.get((column.schema, column.table))
        if table is not None:
            columns[table].add((column.name, column.type))
    primary: dict[str, str] = {}
    for constraint in objects.get("constraint", {}).values():
        if constraint.type == "primary key":
            table = wanted.get((constraint.schema, constraint.table))
            if table is not None:
                primary[table] = constraint.definition
    return {key: TableProfile(key, tables[key].schema, tables[key].name, frozenset(columns.get(key, ())),
                              primary.get(key), tables[key].row_estimate) for key in wanted.values()}


def _jaccard(left: frozenset[Any], right: frozenset[Any]) -> float:
    if not left and not right:
        return 0.5
    return len(left & right) / len(left | right)


def _row_similarity(left: int, right: int) -> float | None:
    if left < 0 or right < 0:
        return None
    largest = max(left, right)
    return 1.0 if largest == 0 else 1 - abs(left - right) / largest


def score_tables(expected: TableProfile, actual: TableProfile) -> tuple[float, str]:
    """Confidence that `actual` is `expected` under another name, and the evidence."""
    names = name_similarity(expected.name, actual.name)
    columns = _jaccard(expected.columns, actual.columns)
    same_key = expected.primary_key is not None and expected.primary_key == actual.primary_key
    rows = _row_similarity(expected.rows, actual.rows)
    score = 0.35 * names + 0.4 * columns + 0.15 * same_key + 0.1 * (0.5 if rows is None else rows)
    shared = len(expected.columns & actual.columns)
    evidence = (f"name similarity {names:.2f}; {shared} of {len(expected.columns | actual.columns)} "
                f"columns shared; primary key {'same' if same_key else 'differs'}; row estimates "
                f"{'unknown' if rows is None else f'{expected.rows} vs {actual.rows}'}")
    return round(min(score, 1.0), 2), evidence


def _candidates(missing: Sequence[TableProfile], unexpected: Sequence[TableProfile]) -> dict[str, list[str]]:
    """For each missing table, the unexpected tables sharing the most informative signatures."""
    index: dict[str, list[str]] = defaultdict(list)
    for profile in unexpected:
        for signature in profile.signatures():
            index[signature].append(profile.key)
    result = {}
    for profile in missing:
        shared: Counter[str] = Counter()
        for signature in profile.signatures():
            holders = index.get(signature, ())
            if len(holders) <= MAX_SIGNATURE_SPREAD:
                shared.update(holders)
        result[profile.key] = [key for key, _ in shared.most_common(MAX_CANDIDATES)]
    return result


def _assign(scored: list[tuple[float, str, str, str]], kind: str, threshold: float) -> list[Rename]:
    """Greedy one-to-one assignment, best confidence first (ties broken by name)."""
    used_expected: set[str] = set()
    used_actual: set[str] = set()
    renames = []
    for confidence, expected, actual, evidence in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if confidence < threshold or expected in used_expected or actual in used_actual:
            continue
        used_expected.add(expected)
        used_actual.add(actual)
        renames.append(Rename(kind, expected, actual, confidence, evidence))
    return renames


def match_tables(expected: Mapping[str, Mapping[str, Any]], actual: Mapping[str, Mapping[str, Any]],
                 missing: Iterable[str], unexpected: Iterable[str]) -> list[Rename]:
    """Rename candidates among tables missing from `actual` and tables unexpected in it."""
    missing, unexpected = sorted(missing), sorted(unexpected)
    if not missing or not unexpected:
        return []
    expected_profiles = table_profiles(expected, missing)
    actual_profiles = table_profiles(actual, unexpected)
    candidates = _candidates([expected_profiles[key] for key in missing],
                             [actual_profiles[key] for key in unexpected])
    scored = []
    for key, others in candidates.items():
        for other in others:
            confidence, evidence = score_tables(expected_profiles[key], actual_profiles[other])
            scored.append((confidence, key, other, evidence))
    return _assign(scored, "table", TABLE_THRESHOLD)


# ---------------------------------------------------------------------------------------------
# Columns


def score_columns(expected: Any, actual: Any) -> tuple[float, str]:
    names = name_similarity(expected.name, actual.name)
    same_type = expected.type == actual.type
    same_shape = expected.not_null == actual.not_null and expected.default == actual.default
    same_position = expected.position == actual.position and expected.position > 0
    score = 0.35 * same_type + 0.45 * names + 0.1 * same_shape + 0.1 * same_position
    evidence = (f"name similarity {names:.2f}; type {'same' if same_type else 'differs'}; "
                f"nullability and default {'same' if same_shape else 'differ'}; "
                f"position {'same' if same_position else 'differs'}")
    return round(min(score, 1.0), 2), evidence


def match_columns(missing: Mapping[str, Any], unexpected: Mapping[str, Any]) -> list[Rename]:
    """Rename candidates among the missing and unexpected columns of one table ({key: Column})."""
    if not missing or not unexpected:
        return []
    same_type_only = len(missing) * len(unexpected) > MAX_COLUMN_PAIRS
    by_type: dict[str, list[str]] = defaultdict(list)
    for key, column in unexpected.items():
        by_type[column.type].append(key)
    scored = []
    for key, column in missing.items():
        others = by_type.get(column.type, []) if same_type_only else list(unexpected)
        for other in others:
            confidence, evidence = score_columns(column, unexpected[other])
            scored.append((confidence, key, other, evidence))
    return _assign(scored, "column", COLUMN_THRESHOLD)


# ---------------------------------------------------------------------------------------------
# Indexes, constraints, triggers: identical but for the name

#: Confidence of a rename whose every compared attribute but the name is identical.
EXACT_CONFIDENCE = 0.9


def match_identical(missing: Mapping[str, Any], unexpected: Mapping[str, Any],
                    signature: Callable[[Any], Hashable]) -> list[Rename]:
    """Pairs whose signatures (everything but the name) are equal and unique on both sides."""
    by_signature: dict[Hashable, list[str]] = defaultdict(list)
    for key, obj in unexpected.items():
        by_signature[signature(obj)].append(key)
    expected_counts = Counter(signature(obj) for obj in missing.values())
    renames = []
    for key in sorted(missing):
        found = signature(missing[key])
        others = by_signature.get(found, [])
        if len(others) == 1 and expected_counts[found] == 1:
            renames.append(Rename("", key, others[0], EXACT_CONFIDENCE, "identical definition, other name"))
    return renames
