"""The 26 family symbols, drawn for this project: line icons on a 24 x 24 grid.

Each is written once into `<defs>` as a `<symbol>` and placed with `<use>`. They draw in
`currentColor`, so a theme colours them with one attribute. Shapes are chosen to be told apart at
a glance, also in small sizes: a cylinder for a database, a bolt for a cache, a queue for a
broker, a fork for a load balancer, a globe for a CDN, and so on.
"""

from __future__ import annotations

from collections.abc import Iterable

from analytics_maestro.domain import DEFAULT_FAMILY, FAMILIES

# Path data and extra shapes, in a 24 x 24 box, stroked.
SHAPES: dict[str, str] = {
    "Application": '<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M3 8h18M6 6h.01M8.5 6h.01M7 12l3 3-3 3M12 18h5"/>',
    "Loadbalance": '<circle cx="5" cy="12" r="2.5"/><circle cx="19" cy="5" r="2.5"/><circle cx="19" cy="12" r="2.5"/>'
    '<circle cx="19" cy="19" r="2.5"/><path d="M7.5 12h9M7 10.5l9.5-5M7 13.5l9.5 5"/>',
    "Broker": '<rect x="2" y="8" width="5" height="8" rx="1"/><rect x="9.5" y="8" width="5" height="8" rx="1"/>'
    '<rect x="17" y="8" width="5" height="8" rx="1"/><path d="M4 4h16l-2-2M20 20H4l2 2"/>',
    "Database": '<ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>',
    "Serverless": '<path d="M5 20h4l3-7 4 7h3M9 4h3l7 16"/><path d="M4 4h3"/>',
    "ApiGateway": '<path d="M8 4H5v16h3M16 4h3v16h-3"/><path d="M9 12h6M12.5 9.5 15 12l-2.5 2.5"/>',
    "ContainerOrchestration": '<circle cx="12" cy="12" r="8"/><circle cx="12" cy="12" r="2.5"/>'
    '<path d="M12 4v5.5M12 14.5V20M4 12h5.5M14.5 12H20M6.3 6.3l3.9 3.9M13.8 13.8l3.9 3.9M17.7 6.3l-3.9 3.9M10.2 13.8l-3.9 3.9"/>',
    "ServiceMesh": '<circle cx="5" cy="5" r="2"/><circle cx="19" cy="5" r="2"/><circle cx="5" cy="19" r="2"/>'
    '<circle cx="19" cy="19" r="2"/><circle cx="12" cy="12" r="2"/>'
    '<path d="M7 5h10M7 19h10M5 7v10M19 7v10M6.5 6.5l4 4M13.5 13.5l4 4M17.5 6.5l-4 4M10.5 13.5l-4 4"/>',
    "Cache": '<path d="M13 2 5 13h6l-1 9 8-12h-6z"/>',
    "CDN": '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18"/>',
    "ObjectStorage": '<path d="M4 6h16l-2 14H6z"/><ellipse cx="12" cy="6" rx="8" ry="2.5"/><path d="M9 12h6"/>',
    "Monitor": '<rect x="2" y="4" width="20" height="14" rx="2"/><path d="M5 12h3l2-4 3 7 2-3h4M8 21h8"/>',
    "Logs": '<path d="M6 2h9l4 4v16H6z"/><path d="M15 2v4h4M9 10h7M9 13h7M9 16h7M9 19h4"/>',
    "SMTP": '<rect x="2" y="5" width="20" height="14" rx="2"/><path d="m2 7 10 7 10-7"/>',
    "ServiceDiscovery": '<circle cx="10" cy="10" r="6.5"/><path d="m15 15 6 6M10 6.5v7M6.5 10h7"/>',
    "VPN": '<rect x="5" y="10" width="14" height="11" rx="2"/><path d="M8 10V7a4 4 0 0 1 8 0v3M12 14v3"/>',
    "CI/CD": '<path d="M4 12a8 8 0 0 1 14-5.3M20 12a8 8 0 0 1-14 5.3"/><path d="M18 3v4h-4M6 21v-4h4"/>',
    "DNS": '<circle cx="12" cy="12" r="4"/><path d="M16 8v5.5a2.5 2.5 0 0 0 5 0V12a9 9 0 1 0-3.5 7.1"/>',
    "Repository": '<circle cx="6" cy="5" r="2.5"/><circle cx="6" cy="19" r="2.5"/><circle cx="18" cy="8" r="2.5"/>'
    '<path d="M6 7.5v9M18 10.5c0 4-6 3-11 6.5"/>',
    "Auth": '<circle cx="7.5" cy="15.5" r="4.5"/><path d="m10.7 12.3 9.3-9.3M16 7l3 3M18.5 4.5l2 2"/>',
    "NAS": '<rect x="3" y="3" width="18" height="5" rx="1"/><rect x="3" y="10" width="18" height="5" rx="1"/>'
    '<rect x="3" y="17" width="18" height="5" rx="1"/><path d="M6 5.5h.01M6 12.5h.01M6 19.5h.01M15 5.5h3M15 12.5h3M15 19.5h3"/>',
    "AutoScaling": '<rect x="8" y="8" width="8" height="8" rx="1"/><path d="M12 2v4M10 4l2-2 2 2M12 22v-4M10 20l2 2 2-2'
    'M2 12h4M4 10l-2 2 2 2M22 12h-4M20 10l2 2-2 2"/>',
    "AutoScalingPlan": '<rect x="4" y="3" width="16" height="19" rx="2"/><path d="M9 3V1.5h6V3M8 17l3-4 2 2 3-5M15 10h1v1"/>',
    "ServerlessLayer": '<path d="m12 2 10 5-10 5L2 7z"/><path d="m2 12 10 5 10-5M2 17l10 5 10-5"/>',
    "MachineLearning": '<circle cx="4" cy="6" r="2"/><circle cx="4" cy="18" r="2"/><circle cx="12" cy="4" r="2"/>'
    '<circle cx="12" cy="12" r="2"/><circle cx="12" cy="20" r="2"/><circle cx="20" cy="12" r="2"/>'
    '<path d="M6 6l4-1.5M6 6.5l4 4.5M6 17.5l4-4.5M6 18l4 1.5M14 4.5l4.5 6M14 12h4M14 19.5l4.5-6"/>',
    "Corporate": '<path d="M3 21h18M5 21V5l8-3v19M13 8h6v13"/><path d="M8 8h2M8 12h2M8 16h2M16 12h.01M16 16h.01"/>',
}

assert set(SHAPES) == set(FAMILIES), set(FAMILIES) ^ set(SHAPES)


def symbol_id(family: str) -> str:
    """The `<symbol>` id of a family; an unknown family shows as Application.

    >>> symbol_id("CI/CD"), symbol_id("Database"), symbol_id("Mainframe")
    ('fam-CI-CD', 'fam-Database', 'fam-Application')
    """
    family = family if family in SHAPES else DEFAULT_FAMILY
    return "fam-" + family.replace("/", "-")


def symbol_defs(families: Iterable[str]) -> str:
    """`<symbol>` elements for the families given (each once, in family order)."""
    present = {f if f in SHAPES else DEFAULT_FAMILY for f in families}
    return "".join(
        f'<symbol id="{symbol_id(f)}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.6"'
        f' stroke-linecap="round" stroke-linejoin="round">{SHAPES[f]}</symbol>'
        for f in FAMILIES
        if f in present
    )
