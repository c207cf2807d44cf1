"""Retrain the check-worthiness model and write claims/models/checkworthy.npz.

    .venv/bin/python bench/train_checkworthy.py [--extra feedback.tsv [--extra-weight 5]] [--out PATH] [--lora]

Reads ../shared/bench (ClaimBuster CBD, CLEF CheckThat! 2019 and 2020 task 1,
train and dev splits only: never the test splits). ``--extra`` adds reviewers'
decisions, a TSV with a header and the columns ``text, label`` (1 = a claim
worth checking, 0 = not a claim), to the news head. Needs scikit-learn
(requirements-dev.txt); the linear model scores in numpy, ``--lora`` (the shipped file:
``--lora --lora-rank 16 --lora-targets all``) needs torch.

Each head is the average of two logistic regressions: one over the bundled
sentence embedding plus the cheap features, one over TF-IDF word (1-2 gram) and
character (2-5 gram) features. The news head learns from every training set, the
tweets head from the CLEF 2020 tweets only.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cw_data

from claims.checkworthy import MODEL_PATH, Scorer
from claims.checkworthy_features import FEATURES, chars, feature_matrix, words

C_DENSE = 1.0  # inverse regularisation of the embedding + features model
C_SPARSE = 4.0  # and of the TF-IDF model
MAX_WORDS = 40_000
MAX_CHARS = 60_000
HEADS = {
    "news": ["claimbuster"],
    "tweets": ["clef20_train", "clef20_dev"],
}
# Every training set: better on the CLEF 2019 debates in cross-validation over its
# train split (MAP 0.257 against 0.247), worse on ClaimBuster (F1 0.766 against 0.809);
# the news head follows ClaimBuster's definition of a check-worthy factual sentence.
UNION = ["claimbuster", "clef19_train", "clef20_train", "clef20_dev"]
CALIBRATE_ON = {"news": {"claimbuster"}, "tweets": {"clef20_train", "clef20_dev"}}  # see calibrate()


def fit_head(
    texts: list[str],
    vectors: np.ndarray,
    labels: np.ndarray,
    *,
    blocks: tuple[str, ...] = ("dense", "sparse"),
    weights: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Train one head; returns its parameters (names without the head prefix).

    ``blocks`` leaves out one of the two models for comparisons in the bench
    (its weights are then zero): ``("dense",)`` is embeddings + features only,
    ``("sparse",)`` TF-IDF only. ``weights`` weigh the rows (default 1 each).
    """
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    dense_x = np.hstack([vectors, feature_matrix(texts)])
    dense = LogisticRegression(C=C_DENSE, max_iter=5000).fit(dense_x, labels, sample_weight=weights)
    vw = TfidfVectorizer(analyzer=words, sublinear_tf=True, min_df=2, max_features=MAX_WORDS)
    vc = TfidfVectorizer(analyzer=chars, sublinear_tf=True, min_df=3, max_features=MAX_CHARS)
    xw, xc = vw.fit_transform(texts), vc.fit_transform(texts)
    sparse = LogisticRegression(C=C_SPARSE, max_iter=5000).fit(
        sp.hstack([xw, xc]).tocsr(), labels, sample_weight=weights
    )
    d = vectors.shape[1]
    n_words = len(vw.vocabulary_)
    coef = sparse.coef_[0]
    if "dense" not in blocks:
        dense.coef_[:] = 0.0
        dense.intercept_[:] = 0.0
    if "sparse" not in blocks:
        coef = np.zeros_like(coef)
        sparse.intercept_[:] = 0.0
    # Centre the embedding, the features and the character block on the training average so
    # explanations read "compared with a typical training sentence"; the bias absorbs the shift.
    mean = dense_x.mean(axis=0)
    chars_mean = float(np.mean(xc @ coef[n_words:]))
    bias = 0.5 * (dense.intercept_[0] + sparse.intercept_[0] + mean @ dense.coef_[0] + chars_mean)
    return {
        "emb": dense.coef_[0][:d],
        "emb.mean": mean[:d],
        "features": dense.coef_[0][d:],
        "features.mean": mean[d:],
        "bias": np.float64(bias),
        "chars.mean": np.float64(chars_mean),
        "words.vocab": _blob(vw.get_feature_names_out()),
        "words.idf": vw.idf_,
        "words.coef": coef[:n_words],
        "chars.vocab": _blob(vc.get_feature_names_out()),
        "chars.idf": vc.idf_,
        "chars.coef": coef[n_words:],
    }


def fit_lora(
    texts: list[str],
    vectors: np.ndarray,
    labels: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    extra: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], dict]:
    """The news head with LoRA adapters mixed in (``bench/cw_lora.fit_mixed``): 85% of the rows
    train both models, the other 15% choose the epoch, the weight and the cut. Returns the parameters and the run.

    ``extra`` (row numbers: reviewers' decisions) always train, with their ``weights``, and never choose:
    the choice follows the benchmark's definition of check-worthy, not a handful of rows."""
    import time

    import cw_lora
    from sklearn.model_selection import train_test_split

    started = time.time()
    bert = cw_lora.load_bert()
    data = cw_lora.Rows(texts, vectors, labels, cw_lora.tokenize(bert, texts), weights=weights)
    extra = np.asarray([] if extra is None else extra, dtype=np.int64)
    base = np.setdiff1d(np.arange(len(texts)), extra)
    fit, val = train_test_split(base, test_size=cw_lora.VALIDATION, stratify=labels[base], random_state=0)
    run = cw_lora.fit_mixed(bert, data.take(np.concatenate([fit, extra])), data.take(val))
    print(
        f"news LoRA: epoch {run['epoch']}, mix {run['mix']}, validation F1 {run['val_f1']:.4f} (linear only {run['lr_val_f1']:.4f}), {time.time() - started:.0f} s",
        flush=True,
    )
    return cw_lora.to_params(run["state"], bert, run), run


def fit_lora_tweets(news_state: dict | None, epochs: int = 6) -> dict[str, np.ndarray]:
    """The tweets head with LoRA adapters: trained on CLEF20 train from scratch and from the news head's
    adapters (ClaimBuster as an intermediate task); the start, the epoch (1..epochs) and the weight are
    chosen by AP on CLEF20 dev, the cut by F1 there. The linear part is then refitted on train + dev
    as shipped."""
    import time

    import cw_lora

    started = time.time()
    bert = cw_lora.load_bert()
    tr, dv = cw_lora.rows(bert, cw_data.load("clef20_train")), cw_lora.rows(bert, cw_data.load("clef20_dev"))
    runs = {}
    for start, init in [("scratch", None), ("claimbuster", news_state)]:
        if start == "claimbuster" and init is None:
            continue
        runs[start] = cw_lora.fit_mixed(bert, tr, dv, epochs=epochs, metric="ap", init=init)
        print(
            f"tweets LoRA from {start}: epoch {runs[start]['epoch']}, mix {runs[start]['mix']}, dev AP {runs[start]['val_ap']:.4f} (linear only {runs[start]['lr_val_ap']:.4f}); every epoch and weight: {json.dumps(runs[start]['runs'])}",
            flush=True,
        )
    start = max(runs, key=lambda k: runs[k]["val_ap"])
    run = runs[start]
    run["lr"] = fit_head(
        tr.texts + dv.texts, np.vstack([tr.vectors, dv.vectors]), np.concatenate([tr.labels, dv.labels])
    )
    print(f"tweets LoRA: chose the start from {start}, {time.time() - started:.0f} s", flush=True)
    return cw_lora.to_params(run["state"], bert, run)


def calibrate(
    texts: list[str], vectors: np.ndarray, labels: np.ndarray, reference: np.ndarray, weights: np.ndarray
) -> float:
    """The logit of the best-F1 threshold in 3-fold cross-validation over the training data.

    Subtracted from the head's bias, so that 0.5 is the cut with the best F1 of
    the check-worthy class on the ``reference`` rows (ClaimBuster for the news
    head: its "check-worthy factual sentence" is the definition we follow).
    Scores move, rankings do not.
    """
    from sklearn.model_selection import StratifiedKFold

    logits = np.zeros(len(texts))
    for a, b in StratifiedKFold(3, shuffle=True, random_state=0).split(texts, labels):
        head = fit_head([texts[i] for i in a], vectors[a], labels[a], weights=weights[a])
        scorer = scorer_from(to_params({"news": head}, {}))
        logits[b] = scorer.heads["news"].logits([texts[i] for i in b], vectors[b])
    keep = reference.astype(bool)
    order = np.argsort(-logits[keep], kind="stable")
    hits = labels[keep][order] > 0
    f1 = 2 * np.cumsum(hits) / (np.arange(1, len(hits) + 1) + hits.sum())
    return float(logits[keep][order][int(np.argmax(f1))])


def _blob(strings) -> np.ndarray:
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


def to_params(
    heads: dict[str, dict[str, np.ndarray]], trained_on: dict[str, list[str]]
) -> dict[str, np.ndarray]:
    """All heads' parameters under ``<head>.<name>`` plus a JSON ``meta`` entry."""
    meta = {
        "heads": list(heads),
        "calibrated": "0.5 = best-F1 cut in 3-fold CV on the training data",
        "features": list(FEATURES),
        "trained_on": trained_on,
        "model": "all-MiniLM-L6-v2",
        "c_dense": C_DENSE,
        "c_sparse": C_SPARSE,
    }
    params = {"meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
    for head, values in heads.items():
        for name, value in values.items():
            value = np.asarray(value)
            params[f"{head}.{name}"] = (
                value.astype(np.float32) if value.dtype.kind == "f" and value.dtype != np.float16 else value
            )
    return params


def scorer_from(params: dict[str, np.ndarray]) -> Scorer:
    """The scorer exactly as it is after a save and load (float32 weights)."""
    return Scorer(params)


def read_extra(path: Path) -> tuple[list[str], np.ndarray]:
    """Reviewer decisions: a TSV with a header and the columns text, label (0/1)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if rows and not {"text", "label"} <= set(rows[0]):
        raise SystemExit(f"{path}: needs the columns text, label (has {', '.join(rows[0])})")
    texts = [row["text"] for row in rows if row["text"].strip()]
    labels = [int(float(row["label"])) for row in rows if row["text"].strip()]
    return texts, np.asarray(labels, dtype=np.int64)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--extra", type=Path, help="TSV of reviewer decisions (text, label) added to the news head"
    )
    parser.add_argument(
        "--extra-weight",
        type=float,
        default=1.0,
        help="weight of each --extra row against one training sentence (default 1)",
    )
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument(
        "--lora",
        action="store_true",
        help="mix LoRA adapters on every encoder layer into both heads (bench/cw_lora.py); see docs/BENCHMARKS.md",
    )
    import cw_lora

    cw_lora.add_arguments(parser)
    parser.add_argument(
        "--tweets-epochs",
        type=int,
        default=6,
        help="LoRA epochs on CLEF 2020 train for the tweets head, the best on its dev split kept (default 6)",
    )
    args = parser.parse_args()

    splits = {name: cw_data.load(name) for name in sorted({n for names in HEADS.values() for n in names})}
    trained_on = {
        head: [str(cw_data.FILES[n].relative_to(cw_data.BENCH)) for n in names]
        for head, names in HEADS.items()
    }
    heads = {}
    for head, names in HEADS.items():
        texts = [t for n in names for t in splits[n].texts]
        vectors = np.vstack([splits[n].vectors for n in names])
        labels = np.concatenate([splits[n].labels for n in names])
        reference = np.concatenate([np.full(len(splits[n].texts), n in CALIBRATE_ON[head]) for n in names])
        weights = np.ones(len(texts))
        extra_rows = None
        if head == "news" and args.extra:
            extra_texts, extra_labels = read_extra(args.extra)
            texts += extra_texts
            vectors = np.vstack([vectors, cw_data.cached_vectors(extra_texts)])
            labels = np.concatenate([labels, extra_labels])
            reference = np.concatenate([reference, np.zeros(len(extra_texts), dtype=bool)])
            weights = np.concatenate([weights, np.full(len(extra_texts), args.extra_weight)])
            extra_rows = np.arange(len(texts) - len(extra_texts), len(texts))
            trained_on[head].append(str(args.extra))
        print(f"{head}: {len(texts)} texts, {int(labels.sum())} check-worthy", flush=True)
        if args.lora and head == "news":
            cw_lora.configure(args.lora_rank, args.lora_targets, args.lora_epochs)
            heads[head], news_run = fit_lora(
                texts, vectors, labels, weights=None if extra_rows is None else weights, extra=extra_rows
            )
            continue
        if args.lora and head == "tweets":
            heads[head] = fit_lora_tweets(
                news_run["state"] if "news" in heads else None, epochs=args.tweets_epochs
            )
            continue
        heads[head] = fit_head(texts, vectors, labels, weights=weights)
        shift = calibrate(texts, vectors, labels, reference, weights)
        heads[head]["bias"] = heads[head]["bias"] - shift
        print(
            f"{head}: best-F1 cut at logit {shift:.3f} (probability {1 / (1 + np.exp(-shift)):.3f}) moved to 0.5",
            flush=True,
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **to_params(heads, trained_on))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
