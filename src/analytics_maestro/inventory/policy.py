"""Who may read a record, written once: the rule below, from which the SQL condition of every store
query and the Python predicate over records in memory are both made.

A request reads as its principals (`readers`: a user and the user's teams). A record is **visible**
to them when one of them owns it, or holds a grant on it (any role in its `roles`); a diagram
**reaches** a record only when it is visible and active. So the entry, the lookup and the
enrichment follow reachable records, while the inventory routes list and show visible ones (an
inactive record can still be found, and made active again).

Each condition is one entry of `CONDITIONS`, in SQL over a table alias and in Python over a record;
a rule is the conditions that must all hold, each a choice of conditions of which one must hold.
Tests compare the two renderings on every kind of record, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

import msgspec

# Applications keep their grants in an indexed table: the lookup checks them on every hop. The
# other kinds keep them in their `roles` (few records, few grants): read as JSON in SQL.
_GRANTED_APPLICATION = "EXISTS (SELECT 1 FROM application_grants g WHERE g.app_pk = {t}.pk AND g.principal IN :readers)"
_GRANTED_ROLES = {
    "sqlite": "EXISTS (SELECT 1 FROM json_each({t}.roles) r WHERE json_extract(r.value, '$.id') IN :readers)",
    "postgresql": "EXISTS (SELECT 1 FROM json_array_elements({t}.roles) r WHERE r->>'id' IN :readers)",
}


class Condition(msgspec.Struct, frozen=True):
    sql: Callable[[str, str, str], str]  # (table, alias, dialect) -> SQL with :readers
    holds: Callable[[Any, str, frozenset[str]], bool]  # (record, its owner, readers) -> bool
    of_owner: bool = False  # depends on the owner alone: decided once per predicate


def _granted_sql(table: str, alias: str, dialect: str) -> str:
    if table == "applications":
        return _GRANTED_APPLICATION.format(t=alias)
    return _GRANTED_ROLES[dialect].format(t=alias)


def _active(record: Any, owner: str, readers: frozenset[str]) -> bool:
    return record.active


CONDITIONS: dict[str, Condition] = {
    "active": Condition(lambda table, t, dialect: f"{t}.active", _active),
    "owned": Condition(
        lambda table, t, dialect: f"{t}.owner_id IN :readers", lambda record, owner, readers: owner in readers, True
    ),
    "granted": Condition(_granted_sql, lambda record, owner, readers: any(role.id in readers for role in record.roles)),
}

Rule = tuple[tuple[str, ...], ...]  # all of these groups hold; in each group, one condition holds

VISIBLE: Rule = (("owned", "granted"),)
REACHABLE: Rule = (("active",), ("owned", "granted"))


def sql(rule: Rule, table: str, alias: str | None = None, dialect: str = "sqlite") -> str:
    """The rule as a SQL condition over `table` (named `alias` in the query), with the expanding
    bind parameter `:readers`.

    >>> sql(REACHABLE, "applications", "a")
    '(a.active AND (a.owner_id IN :readers OR EXISTS (SELECT 1 FROM application_grants g WHERE g.app_pk = a.pk AND g.principal IN :readers)))'
    """  # noqa: E501
    alias = alias or table
    groups = [" OR ".join(CONDITIONS[name].sql(table, alias, dialect) for name in group) for group in rule]
    return "(" + " AND ".join(g if len(group) == 1 else f"({g})" for g, group in zip(groups, rule, strict=True)) + ")"


def where(rule: Rule, table: Any, readers: Iterable[str], dialect: str):
    """The rule as a SQLAlchemy condition on `table` (a Table), for Core queries."""
    import sqlalchemy as sa

    return sa.text(sql(rule, table.name, dialect=dialect)).bindparams(
        sa.bindparam("readers", list(readers), expanding=True)
    )


def predicate(rule: Rule, readers: Iterable[str], owner: str) -> Callable[[Any], bool]:
    """The rule as a function of a record of `owner`, for records in memory. What depends on the
    owner alone is decided here, once: a large lookup asks tens of thousands of times.

    >>> from types import SimpleNamespace as R
    >>> mine, theirs = predicate(REACHABLE, ["team"], "team"), predicate(REACHABLE, ["team"], "x")
    >>> mine(R(active=True, roles=())), mine(R(active=False, roles=())), theirs(R(active=True, roles=()))
    (True, False, False)
    """
    readers = frozenset(readers)
    groups = []
    for group in rule:
        decided = [CONDITIONS[name].holds(None, owner, readers) for name in group if CONDITIONS[name].of_owner]
        if any(decided):
            continue  # the group holds for every record of this owner
        groups.append([CONDITIONS[name].holds for name in group if not CONDITIONS[name].of_owner])
    if any(not group for group in groups):
        return lambda record: False
    if groups == [[_active]]:
        return attrgetter("active")
    return lambda record: all(any(c(record, owner, readers) for c in group) for group in groups)
