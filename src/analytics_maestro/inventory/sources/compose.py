"""docker-compose files (the Compose specification; v2 and v3 files) as an inventory.

Several files are merged as `docker compose -f a.yml -f b.yml` merges them (a later file's
mappings merge into, its lists add to, its scalars replace the earlier one's), and `extends`
(in the same file, or in `file`, relative to the one that names it) is followed. Each service is
an application; its dependencies are `depends_on`, `links` and the environment values that name
another service's host (a URL, `host:port`, or a bare host in a `*_HOST`, `*_ADDR`, `*_URL` …
variable), over the endpoint their scheme or well-known port names. Entries are the services
that publish ports and that no other service depends on; they open one system, the project (its
`name`, else the folder of the first file). Services that run only in a profile are left out, as
`docker compose up` leaves them. Labels `maestro.family`, `maestro.system` and
`maestro.entry` (true or false) say otherwise. The project's `.env` fills `${VAR}` as Compose does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePath
from typing import Any

from analytics_maestro.inventory.problems import Problem
from analytics_maestro.inventory.sources.common import Loaded, Reading, dedupe, finished, labelled, references
from analytics_maestro.inventory.sources.families import guess

LISTS = ("depends_on", "links", "ports", "expose", "volumes", "networks_list", "env_file")


def read(files: Sequence[Loaded], load: Callable[[str], Any], variables: Mapping[str, str] | None = None) -> Reading:
    """The inventory of compose files, merged in order; `load(path)` reads a file `extends` names;
    `variables` (the project's `.env`) fill `${VAR}`, `${VAR:-default}` and the environment
    entries that name a variable without a value."""
    variables = variables or {}
    problems: list[Problem] = []
    services: dict[str, dict] = {}
    project = None
    for loaded in files:
        for doc in loaded.documents:
            if not isinstance(doc, Mapping) or not isinstance(doc.get("services"), Mapping):
                problems.append(Problem(loaded.name, "not a Compose file: no `services` mapping"))
                continue
            project = project or (doc.get("name") if isinstance(doc.get("name"), str) else None)
            for name, service in doc["services"].items():
                if not isinstance(service, Mapping):
                    problems.append(Problem(f"{loaded.name}: services.{name}", "a service must be a mapping"))
                    continue
                resolved = _extended(loaded, str(name), dict(service), doc["services"], load, problems)
                services[str(name)] = _merged(services.get(str(name), {}), _normal(resolved, variables))
    if not files:
        return Reading({}, problems)
    profiled = sorted(name for name, service in services.items() if service.get("profiles"))
    if profiled:  # started only when their profile is asked for, as `docker compose up` does
        problems.append(Problem("", f"left out, as they run only in a profile: {', '.join(profiled)}"))
        services = {name: service for name, service in services.items() if name not in profiled}
    project = project or PurePath(files[0].name).parent.name or "compose"
    return Reading(_inventory(services, project), problems)


def _extended(loaded: Loaded, name: str, service: dict, siblings: Mapping, load, problems, seen=()) -> dict:
    base = service.pop("extends", None)
    if base is None:
        return service
    if isinstance(base, str):
        base = {"service": base}
    if not isinstance(base, Mapping) or not isinstance(base.get("service"), str):
        problems.append(
            Problem(f"{loaded.name}: services.{name}.extends", "expected a service name or {service, file}")
        )
        return service
    where, pool = loaded.name, siblings
    if isinstance(base.get("file"), str):
        where = str(PurePath(loaded.name).parent / base["file"])
        other = load(where)
        pool = other.get("services", {}) if isinstance(other, Mapping) else {}
    parent = pool.get(base["service"]) if isinstance(pool, Mapping) else None
    key = (where, base["service"])
    if not isinstance(parent, Mapping) or key in seen:
        problems.append(Problem(f"{loaded.name}: services.{name}.extends",
                                f"no service {base['service']!r} to extend in {where}"))  # fmt: skip
        return service
    inherited = _extended(Loaded(where, ()), base["service"], dict(parent), pool, load, problems, (*seen, key))
    return _merged(_normal(inherited), _normal(service))


def _normal(service: Mapping, variables: Mapping[str, str] | None = None) -> dict:
    """A service with its list-or-mapping fields in one form (environment and labels as mappings,
    depends_on as a list of names) and, given the project's `variables`, its strings interpolated."""
    out = dict(service) if variables is None else _interpolated(service, variables)
    for field in ("environment", "labels"):
        value = out.get(field)
        if isinstance(value, list):
            pairs = [str(item).partition("=") for item in value]
            out[field] = {k: (v if eq else (variables or {}).get(k)) for k, eq, v in pairs}
        elif not isinstance(value, Mapping):
            out[field] = {}
    depends = out.get("depends_on")
    out["depends_on"] = [str(d) for d in (depends.keys() if isinstance(depends, Mapping) else depends or [])
                         if isinstance(d, str)]  # fmt: skip
    return out


_VARIABLE = re.compile(r"\$(?:\$|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<rest>[^}]*))?\}"
                       r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")  # fmt: skip


def interpolate(text: str, variables: Mapping[str, str]) -> str:
    """`${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+other}`, `$VAR` and `$$` as Compose
    reads them; a variable not set is empty.

    >>> interpolate("http://${HOST}:${PORT:-80}/$$x", {"HOST": "cart"})
    'http://cart:80/$x'
    """

    def value(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("braced") or match.group("plain")
        found, op, rest = variables.get(name), match.group("op"), match.group("rest") or ""
        if op in (":-", "-"):
            return found if found or (op == "-" and found is not None) else rest
        if op in (":+", "+"):
            return rest if found or (op == "+" and found is not None) else ""
        return found or ""

    return _VARIABLE.sub(value, text) if "$" in text else text


def _interpolated(value: Any, variables: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return interpolate(value, variables)
    if isinstance(value, Mapping):
        return {k: _interpolated(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolated(v, variables) for v in value]
    return value


def dotenv(text: str) -> dict[str, str]:
    r"""The variables of a `.env` file (`KEY=value`, quotes taken off, comments skipped), each
    interpolated with those before it.

    >>> dotenv("# c\nHOST=cart\nADDR=${HOST}:7070\nNAME='a b'\n")
    {'HOST': 'cart', 'ADDR': 'cart:7070', 'NAME': 'a b'}
    """
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip().removeprefix("export ")
        key, eq, raw = line.partition("=")
        if not eq or line.startswith("#") or not key.strip():
            continue
        raw = raw.strip()
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
            out[key.strip()] = raw[1:-1]
        else:
            out[key.strip()] = interpolate(raw.split(" #", 1)[0].strip(), out)
    return out


def _merged(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = {**out[key], **value}
        elif key in LISTS and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = [*out[key], *(v for v in value if v not in out[key])]
        else:
            out[key] = value
    return out


def _inventory(services: dict[str, dict], project: str) -> dict:
    hosts: dict[str, str] = {}
    for name, service in services.items():
        hosts[name] = name
        for alias in (service.get("container_name"), service.get("hostname")):
            if isinstance(alias, str):
                hosts.setdefault(alias, name)
        networks = service.get("networks")
        if isinstance(networks, Mapping):
            for network in networks.values():
                for alias in (network or {}).get("aliases", []) if isinstance(network, Mapping) else []:
                    hosts.setdefault(str(alias), name)
    apps, called = [], set()
    for name, service in sorted(services.items()):
        labels = {str(k): str(v) for k, v in service["labels"].items()}
        found = [(d, None) for d in service["depends_on"] if d in services]
        for link in service.get("links") or []:
            target = str(link).split(":", 1)[0]
            if target in services:
                found.append((target, None))
        for key, value in service["environment"].items():
            found += references(str(key), value, hosts.get)
        deps = dedupe(found, name)
        called.update(d["id"] for d in deps)
        image = service.get("image") if isinstance(service.get("image"), str) else None
        apps.append(labelled({
            "id": name, "name": str(service.get("container_name") or name),
            "family": guess(image, name) or "Application", "systems": [project], "deps": deps,
        }, labels))  # fmt: skip
    published = [a["id"] for a in apps if services[a["id"]].get("ports") and a["id"] not in called]
    return finished(apps, published)
