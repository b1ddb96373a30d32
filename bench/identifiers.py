"""How long the identifier detector takes on one 50,000-character story (target < 100 ms).

    .venv/bin/python bench/identifiers.py

Prints the median of several runs (wall clock, and CPU time of this process, which is the
fairer figure on a shared machine) for: a realistic story (the labelled set's stories one
after another), a line of 50,000 letters with no space, digits and separators that look like
phone numbers, and capitalised words (the worst case for the town look-up)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storyhub.text import evaluation, gazetteer, identifiers

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "identifiers_labelled.jsonl"
SIZE = 50_000
RUNS = 7


def _story() -> str:
    texts = [story.text for story in evaluation.load(LABELLED)]
    joined = "\n\n".join(texts)
    return (joined * (SIZE // len(joined) + 1))[:SIZE]


CASES = {
    "labelled stories, repeated": _story,
    "no spaces (letters)": lambda: ("Abcdefghij" * (SIZE // 10))[:SIZE],
    "digits and dots": lambda: ("1.2-3 4/5 " * (SIZE // 10))[:SIZE],
    "capitalised words": lambda: ("Santa Maria Di Roma Del Mar " * SIZE)[:SIZE],
    "e-mail-like runs": lambda: ("a." * SIZE)[: SIZE - 1] + "@",
}


def main() -> None:
    gazetteer.warm()  # loaded once per process, not per story
    for name, build in CASES.items():
        text = build()
        wall, cpu = [], []
        for run in range(RUNS):
            story = f"{run}{text[1:]}"  # a new string each run: nothing cached between runs
            started, started_cpu = time.perf_counter(), time.process_time()
            found = identifiers.find(story, "en", "GB")
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        wall_ms, cpu_ms = statistics.median(wall) * 1000, statistics.median(cpu) * 1000
        print(
            f"{name:28} {len(text):6} chars {len(found):5} findings "
            f"{wall_ms:7.1f} ms wall {cpu_ms:7.1f} ms CPU"
        )


if __name__ == "__main__":
    main()
