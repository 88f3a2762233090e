"""Labels: how wide a name is in the drawings' font, and how it is set in one or two lines.

Widths are those of DejaVu Sans (the `sans-serif` that Linux browsers and resvg fall back to, and
among the widest of the usual sans-serif faces, so a name measured here fits in Helvetica or Arial
too). A box is as wide as its name needs, between `MIN_BOX` and `MAX_BOX` pixels; a name longer
than that is set in two lines, broken where the name has a separator, and cut with an ellipsis only
when two lines do not hold it. Renderers and the layout both ask `lines`, so the width a layout
gives a box and the lines drawn in it agree.

A system's box in the landscape is a card (`card`): its name in large type (`SYSTEM_FONT`), so that
a landscape of hundreds of systems fitted to a screen stays legible, and its application count
below it. A name that one large line does not hold is set smaller (`SYSTEM_SMALL`), in one line or two.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from analytics_maestro.domain import Node

FONT = 11  # px, the labels' font size
# Advance widths of DejaVu Sans, in thousandths of an em, for the characters U+0020 to U+007E.
_ASCII = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656,
    557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613,
    635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818,
    592, 592, 525, 636, 337, 636, 838,
)  # fmt: skip
_OTHER, _WIDE = 800, 1000  # any other character; East Asian wide ones (from U+1100)
# Pixels of a flat box around its label: the provider stripe and the symbol on the left, a margin
# on the right.
BOX_PADDING = 41
MIN_BOX, MAX_BOX = 150, 255
# Pixels per grid unit across the columns in the flat drawing (a `MIN_BOX` box is one unit wide),
# and per row down them: the page that box widths and the packing's aspect are measured on.
UNIT, ROW = 150.0, 80.0
# The isometric page: pixels per grid unit, and how much further apart rows are than columns there
# (so that tiles are about square and captions have room); `render/iso.py` draws with them, and the
# layout leaves room for the captions under its tiles with them
ISO_UNIT, ISO_STRETCH = 48.0, 1.8
# Pixels a line of an isometric caption may take (two lines, then cut, as in flat), and a line of
# its narrower setting, tried where the wide one finds no free place
CAPTION_WIDTH, NARROW_CAPTION = MAX_BOX - BOX_PADDING, 100
# px: a system's name on its card, and in two lines when one does not hold it; the card's widest;
# the room right of the name, clear of a badge on the card's corner
SYSTEM_FONT, SYSTEM_SMALL = 28, 16
MAX_CARD = 640
CARD_MARGIN = 6
# Characters after which a name may break
_BREAKS = "-_./: "


@functools.lru_cache(maxsize=65536)
def width(label: str, size: float = FONT) -> float:
    """The width of `label` in pixels at `size`.

    >>> width("checkoutservice"), width("")
    (89.628, 0.0)
    """
    total = 0
    for ch in label:
        code = ord(ch)
        total += _ASCII[code - 32] if 32 <= code < 127 else (_WIDE if code >= 0x1100 else _OTHER)
    return round(total * size / 1000, 3)


def _cut(label: str, room: float, size: float) -> str:
    """The longest start of `label` that fits in `room` at `size` with an ellipsis after it."""
    end = len(label)
    while end > 1 and width(label[:end] + "…", size) > room:
        end -= 1
    return label[:end] + "…"


@functools.lru_cache(maxsize=65536)
def lines(label: str, room: float, size: float = FONT) -> tuple[str, ...]:
    """`label` set in `room` pixels at `size`: one line when it fits, else two, broken after a separator
    where one leaves both lines fitting (the most even such break), else where the first line is
    full; the second line is cut only when it still does not fit.

    >>> lines("ts-preserve-other-service", 120)
    ('ts-preserve-', 'other-service')
    >>> lines("x" * 60, 120)[1][-1]
    '…'
    """
    if width(label, size) <= room:
        return (label,)
    best = None
    for k in range(1, len(label)):
        if label[k - 1] in _BREAKS:
            first, second = label[:k], label[k:]
            if width(first, size) <= room and width(second, size) <= room:
                balance = abs(width(first, size) - width(second, size))
                if best is None or balance < best[0]:
                    best = (balance, k)
    if best is not None:
        return (label[: best[1]].rstrip(" "), label[best[1] :])
    k = 1
    while k < len(label) and width(label[: k + 1], size) <= room:
        k += 1
    first, second = label[:k], label[k:]
    return (first, second if width(second, size) <= room else _cut(second, room, size))


def box_width(label: str) -> float:
    """The pixels a flat box needs for `label`: its one line, or the wider of its two lines at
    the largest box.

    >>> box_width("web"), box_width("ts-preserve-other-service"), box_width("a-" * 60)
    (150, 180.227, 251.309)
    """
    one = width(label) + BOX_PADDING
    if one <= MIN_BOX:
        return MIN_BOX
    if one <= MAX_BOX:
        return one
    return max(MIN_BOX, max(width(line) for line in lines(label, MAX_BOX - BOX_PADDING)) + BOX_PADDING)


def box_units(label: str) -> float:
    """`box_width` in grid units, as the layout sizes boxes.

    >>> box_units("web")
    1.0
    """
    return box_width(label) / UNIT


def counted(n: int, one: str, many: str) -> str:
    """`n` and the noun for it.

    >>> counted(1, "app", "apps"), counted(3, "app", "apps")
    ('1 app', '3 apps')
    """
    return f"{n} {one if n == 1 else many}"


class Card(NamedTuple):
    """A system's card: its name's lines and their size in px, and the count below them."""

    lines: tuple[str, ...]
    size: float
    count: str


@functools.lru_cache(maxsize=65536)
def _card_lines(name: str) -> tuple[tuple[str, ...], float]:
    room = MAX_CARD - BOX_PADDING - CARD_MARGIN
    if width(name, SYSTEM_FONT) <= room:
        return (name,), SYSTEM_FONT
    return lines(name, room, SYSTEM_SMALL), SYSTEM_SMALL


def card(node: Node) -> Card:
    """The card of a system's box (`node.system_box`): its name, and how many applications it holds.

    >>> card(Node("shop", 0, "Shop", hosts=("web", "db"), system_box="shop"))
    Card(lines=('Shop',), size=28, count='2 apps')
    >>> card(Node("s", 0, "Customer identity and access management platform", system_box="s"))[:2]
    (('Customer identity and access management platform',), 16)
    >>> card(Node("s", 0, "Customer identity and access management platform of the whole group and its partners",
    ...           system_box="s"))[:2]
    (('Customer identity and access management', 'platform of the whole group and its partners'), 16)
    """
    name_lines, size = _card_lines(node.name or node.id)
    return Card(name_lines, size, counted(len(node.hosts), "app", "apps"))


def caption_of(node: Node) -> str:
    """A node's label in one piece: a system's name and count, else the name or, without one, the id.

    >>> caption_of(Node("shop", 0, "Shop", hosts=("web",), system_box="shop")), caption_of(Node("web", 0))
    ('Shop · 1 app', 'web')
    """
    if node.system_box is None:
        return node.name or node.id
    return f"{node.name or node.id} · {card(node).count}"


def caption_settings(node: Node) -> list[tuple[str, ...]]:
    """The lines of a node's isometric caption (`caption_of`), in the settings tried in turn: wide,
    then narrow where that holds the whole name. A system's card first tries its name and count
    in lines of their own (on its tile, as on the flat card).

    >>> caption_settings(Node("web", 0)), caption_settings(Node("ts-preserve-other-service", 0))
    ([('web',)], [('ts-preserve-other-service',), ('ts-preserve-', 'other-service')])
    >>> caption_settings(Node("shop", 0, "Shop", hosts=("web",), system_box="shop"))
    [('Shop', '1 app'), ('Shop · 1 app',)]
    """
    label = caption_of(node)
    wide, narrow = lines(label, CAPTION_WIDTH), lines(label, NARROW_CAPTION)
    settings = [wide] if narrow == wide or narrow[-1].endswith("…") else [wide, narrow]
    if node.system_box is not None:
        settings.insert(0, (*lines(node.name or node.id, CAPTION_WIDTH), card(node).count))
    return settings


def caption_width(node: Node) -> float:
    """Pixels across a node's isometric caption in its narrowest setting (`caption_settings`)."""
    return min(max(width(line) for line in setting) for setting in caption_settings(node))


def node_units(node: Node) -> float:
    """The grid units a node's flat box needs: a card's for a system's box, else its label's.

    >>> node_units(Node("web", 0)), node_units(Node("shop", 0, "Shop", system_box="shop"))
    (1.0, 1.0)
    """
    if node.system_box is None:
        return box_units(node.name or node.id)
    drawn = card(node)
    widest = max([width(drawn.count), *(width(line, drawn.size) for line in drawn.lines)])
    return max(MIN_BOX, widest + BOX_PADDING + CARD_MARGIN) / UNIT
