"""The synthetic inventory: deterministic, valid, and of the enterprise shape benchmarks rely on."""

import re
from collections import Counter

import pytest

from analytics_maestro.inventory.generate import generate, to_dot
from analytics_maestro.inventory.validate import validate


@pytest.mark.parametrize("n", [10, 500, 3000])
def test_generated_inventories_are_valid_and_about_n(n):
    doc = generate(n, seed=7)
    report = validate(doc)
    assert report.ok and report.warnings == []
    assert n <= len(doc["applications"]) < n + 45


def test_same_seed_same_inventory_other_seed_other_inventory():
    assert generate(800, 5) == generate(800, 5)
    assert generate(800, 5) != generate(800, 6)


def test_the_shape_is_an_enterprise():
    doc = generate(5000, 1)
    apps = {a["id"]: a for a in doc["applications"]}
    fan_in = Counter(d["id"] for a in apps.values() for d in a["deps"])
    platform = [a for a in apps.values() if a["systems"] == ["sys-platform"]]
    assert len(platform) == 6 and all(fan_in[a["id"]] > 50 for a in platform[:3])
    fronts = ("CDN", "Loadbalance", "ApiGateway", "Auth")
    assert all(s["entries"] and apps[s["entries"][0]]["family"] in fronts for s in doc["systems"])
    crossing = [(a, d) for a in apps.values() for d in a["deps"] if apps[d["id"]]["systems"] != a["systems"]]
    assert len(crossing) > 100
    served = Counter(app for s in doc["servers"] for app in s["applications"])
    assert max(served.values()) <= 9 and len(doc["servers"]) > len(apps)
    assert has_cycle(apps)


def has_cycle(apps: dict) -> bool:
    state: dict[str, int] = {}
    for root in apps:
        if root in state:
            continue
        stack = [(root, iter(apps[root]["deps"]))]
        state[root] = 1
        while stack:
            node, deps = stack[-1]
            dep = next(deps, None)
            if dep is None:
                state[node] = 2
                stack.pop()
            elif state.get(dep["id"]) == 1:
                return True
            elif dep["id"] not in state:
                state[dep["id"]] = 1
                stack.append((dep["id"], iter(apps[dep["id"]]["deps"])))
    return False


def test_dot_has_every_application_and_dependency():
    doc = generate(200, 2)
    dot = to_dot(doc)
    assert dot.startswith("digraph G {") and "rankdir=LR" in dot
    assert len(re.findall(r"^  \"[^\"]+\" \[label=", dot, re.M)) == len(doc["applications"])
    assert len(re.findall(r" -> ", dot)) == sum(len(a["deps"]) for a in doc["applications"])
