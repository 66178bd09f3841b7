"""``python -m corpus.routes --out DIR [--split tune,heldout] [--n N] [--seed S]``."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from corpus.routes.build import build


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m corpus.routes", description=__doc__)
    ap.add_argument("--out", type=Path, default=Path("corpus/generated/indep_born"))
    ap.add_argument("--split", default="tune,heldout")
    ap.add_argument("--n", type=int, default=12, help="documents per split")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    for split in args.split.split(","):
        start = time.perf_counter()
        truths = build(args.out / split, split, args.n, args.seed)
        print(f"{len(truths)} {split} documents in {args.out / split} ({time.perf_counter() - start:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
