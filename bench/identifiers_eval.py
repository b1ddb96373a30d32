"""Precision and recall of the identifier detector on the labelled set, per kind.

.venv/bin/python bench/identifiers_eval.py [--split dev|heldout] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storyhub.text import evaluation

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "identifiers_labelled.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=["dev", "heldout"], help="only these stories")
    parser.add_argument("--verbose", action="store_true", help="list misses and false alarms")
    args = parser.parse_args()
    stories = evaluation.load(LABELLED)
    if args.split:
        stories = [s for s in stories if s.split == args.split]
    tallies = evaluation.evaluate(stories)
    print(f"{len(stories)} stories")
    print(evaluation.table(tallies))
    if args.verbose:
        print("\nmisses:", *tallies["all"].misses, sep="\n  ")
        print("\nfalse alarms:", *tallies["all"].false_alarms, sep="\n  ")


if __name__ == "__main__":
    main()
