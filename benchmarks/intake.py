"""Speed of the intake extractor, and its scores on the development set.

    DJANGO_SETTINGS_MODULE=tracker.settings python -m benchmarks.intake

Times ``propose`` on a ~1,000-word article synthesised from sentence
templates of our own (median and spread of ``--runs`` after a warm-up that
loads the word lists), then on ``--articles`` such articles in a row, and
scores the development set at ``--dev-set`` (read there at run time, never
copied) with ``evaluate_intake``'s scoring. The figures in
docs/performance.md ("Article intake") came from it.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time
from pathlib import Path

import django

NATIONS = ["Canada", "Italy", "Spain", "Norway", "Denmark", "Germany", "France"]
DEMONYMS = ["Canadian", "Italian", "Spanish", "Norwegian", "Danish", "German"]
HOSTS = ["Iraq", "Mali", "Latvia", "Lebanon", "Kuwait", "Jordan", "Syria"]
TEMPLATES = [
    "{nation} has about {n:,} troops in {host}, officials said on Monday.",
    "Some of the {n:,} {demonym} soldiers stationed in {host} will move to "
    "{other} until the situation calms, the defence minister said.",
    "{nation} said it had no intention of withdrawing its forces from {host}.",
    "Around {n} to {m} {demonym} instructors will remain in {host}, however.",
    "The ministry said yesterday that {nation} would send {n} more soldiers "
    "to {host} next month.",
    "Three {demonym} soldiers were wounded in an attack in {host} in 2019.",
    "Oil prices rose by 4 percent to $65 a barrel before falling back.",
    "Officials in the capital met to discuss the budget for the coming year "
    "and the reforms that parliament has asked for since the election.",
    "READ ALSO: {nation} reviews its mission in {host}",
    '"We are staying as long as we are needed," the commander told reporters '
    "at the {base} base.",
]
BASES = ["Taji", "Azraq", "Adazi", "Gao"]


def synthetic_article(seed: int, words: int = 1000) -> str:
    chosen = random.Random(seed)
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        host, other = chosen.sample(HOSTS, 2)
        n = chosen.choice([30, 120, 500, 1000, 2500])
        sentences.append(
            chosen.choice(TEMPLATES).format(
                nation=chosen.choice(NATIONS),
                demonym=chosen.choice(DEMONYMS),
                host=host,
                other=other,
                n=n,
                m=n + 10,
                base=chosen.choice(BASES),
            )
        )
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return "\n\n".join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument(
        "--dev-set",
        type=Path,
        default=Path(__file__).resolve().parent.parent.parent / "shared" / "intake",
    )
    options = parser.parse_args()
    django.setup()
    from deployments.intake.extractor import propose

    published_on = datetime.date(2024, 3, 6)
    article = synthetic_article(0)
    began = time.perf_counter()
    propose(article, published_on)
    print(
        f"first call (loads word lists): {(time.perf_counter() - began) * 1000:.0f} ms"
    )
    times = []
    for _ in range(options.runs):
        began = time.perf_counter()
        proposals = propose(article, published_on)
        times.append((time.perf_counter() - began) * 1000)
    print(
        f"one {len(article.split()):,}-word article ({len(proposals)} proposals): "
        f"median {statistics.median(times):.1f} ms, min {min(times):.1f}, "
        f"max {max(times):.1f} over {options.runs} runs"
    )
    articles = [synthetic_article(seed) for seed in range(options.articles)]
    began = time.perf_counter()
    total = sum(len(propose(text, published_on)) for text in articles)
    elapsed = time.perf_counter() - began
    print(
        f"{options.articles:,} articles ({total:,} proposals): {elapsed:.1f} s, "
        f"{elapsed / options.articles * 1000:.1f} ms each"
    )
    if options.dev_set.is_dir():
        from deployments.intake.scoring import score_folder

        scores, overall = score_folder(options.dev_set)
        for score in [*scores, overall]:
            print(
                f"{score.name}: recall {score.recall:.3f} "
                f"({score.facts_matched}/{score.facts}), precision "
                f"{score.precision:.3f} ({score.proposals_matched}/"
                f"{score.proposals}), field accuracy {score.field_accuracy:.3f} "
                f"({score.fields_right}/{score.fields_checked})"
            )
    else:
        print(f"no development set at {options.dev_set}")


if __name__ == "__main__":
    main()
