"""Check-worthiness on our own news text: average precision of each sentence's score against
"holds a claim of the gold" (tests/data/seeds_gold.json, demo_gold.json), for two parameter files.

    .venv/bin/python -m bench.checkworthiness_news --old OLD.npz [--new claims/models/checkworthy.npz]

Sentences: claims.text.sentences.segment over each article's clean text (boilerplate
already removed); a sentence is positive when it contains any gold claim's
anchor (optional ones included). Scored with the "news" head, as ingestion
scores mentions. A check that a model better on the public sets is not worse
on the kind of text the workbench reads.
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--old",
        type=Path,
        required=True,
        help="e.g. `git show <rev>:claims/models/checkworthy.npz > old.npz`",
    )
    parser.add_argument("--new", type=Path, default=ROOT / "claims" / "models" / "checkworthy.npz")
    args = parser.parse_args()

    import numpy as np
    from sklearn.metrics import average_precision_score

    from claims.checkworthy.model import load_scorer
    from claims.embed.encoder import default_embedder
    from claims.eval.corpora import CORPORA
    from claims.eval.goldset import load_gold
    from claims.ingest.sources import load
    from claims.text.sentences import segment

    embedder = default_embedder()
    scorers = {"old": load_scorer(args.old), "new": load_scorer(args.new)}
    for name, (gold_path, folder) in CORPORA.items():
        gold = load_gold(gold_path)
        texts, labels = [], []
        for article_name, article in gold.articles.items():
            anchors = [claim.anchor for claim in article.claims]
            for sentence in segment(load(str(folder / article_name)).text):
                texts.append(sentence.text)
                labels.append(int(any(anchor in sentence.text for anchor in anchors)))
        vectors = embedder.encode(texts)
        y = np.array(labels)
        figures = {
            label: average_precision_score(y, scorer.score(texts, vectors, domain="news"))
            for label, scorer in scorers.items()
        }
        print(
            f"{name:6} sentences {len(texts):4}  with a claim {int(y.sum()):4}  AP old {figures['old']:.3f}  new {figures['new']:.3f}"
        )


if __name__ == "__main__":
    main()
