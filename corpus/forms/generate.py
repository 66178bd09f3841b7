"""Documents of the declared forms, ``n`` per form, deterministic by seed; ids ``<form>-<split>-<i>``."""
from __future__ import annotations

import random
from pathlib import Path
from typing import Callable

from corpus.forms import expenditure, income, project
from corpus.forms.common import Generated, Split, write

GENERATORS: dict[str, Callable[[random.Random, Split], Generated]] = {
    project.FORM: project.make,
    income.FORM: income.make,
    expenditure.FORM: expenditure.make,
}


def generate(out: Path, forms: list[str], n: int, split: Split, rng: random.Random) -> list[dict]:
    truths = []
    for form in forms:
        for i in range(n):
            truths.append(write(f"{form}-{split}-{i:03d}", GENERATORS[form](rng, split), out))
    return truths
