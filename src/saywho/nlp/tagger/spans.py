"""What the tagger's stages pass on: roles, BIO labels, tagged spans."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

Role = Literal["source", "cue", "content"]
ROLES: tuple[Role, ...] = get_args(Role)
#: Per role: 0 = outside, 1 = begins a span, 2 = inside a span.
OUTSIDE, BEGIN, INSIDE = 0, 1, 2
LABELS_PER_ROLE = 3

PARAGRAPH_BREAK = re.compile(r"\n")


@dataclass(frozen=True, slots=True)
class TaggedSpan:
    """One span the tagger found: role, character range, mean tag probability."""

    role: Role
    start: int
    end: int
    score: float
    text: str
