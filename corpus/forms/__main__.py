"""``python -m corpus.forms --out DIR [--n 20] [--split seen|held_out|held_out_2] [--forms a,b] [--seed 0]``"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from corpus.forms.generate import GENERATORS, generate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m corpus.forms", description=__doc__)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=20, help="documents per form")
    ap.add_argument("--split", choices=["seen", "held_out", "held_out_2"], default="held_out")
    ap.add_argument("--forms", default=",".join(GENERATORS))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    forms = [f for f in args.forms.split(",") if f]
    truths = generate(args.out, forms, args.n, args.split, random.Random(args.seed))
    print(f"{len(truths)} documents in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
