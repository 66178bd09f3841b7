"""``python -m corpus generate --out DIR --n N --seed S``: write PDFs with ground truth."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from corpus.generate import DEFAULT_OUT, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="render the seeds and N-2 random documents with truth")
    gen.add_argument("--out", type=Path, default=DEFAULT_OUT)
    gen.add_argument("--n", type=int, default=40)
    gen.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    truths = generate(args.out, args.n, args.seed)
    print(f"{len(truths)} documents in {args.out} ({time.perf_counter() - start:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
