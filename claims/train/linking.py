"""Training data and fitting of the link model: gold and CheckThat! pairs, the logistic fit, thresholds."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

MIN_COSINE = 0.35


def corpus_pairs(name: str, embedder):
    """(features, labels, descriptions) of one annotated story's candidate pairs (claims.eval.stories);
    a description is (gold claim id, gold claim id, gold label, text, text)."""
    from claims.eval.goldset import DIFFERENT, DISTINCT, SAME, match
    from claims.eval.stories import load_story
    from claims.extract.speakers import SpeakerBook
    from claims.ingest.pipeline import extract_mentions
    from claims.ingest.sources import load
    from claims.link.clusters import LinkModel, nearest
    from claims.link.pair_features import LinkItem, Neighbourhood, pair_features, pair_rarity
    from claims.link.voices import voice_of, voices_in_book

    story = load_story(name)
    gold = story.gold
    names = [path.name for path in story.articles]
    articles = [load(str(path)) for path in story.articles]
    book = SpeakerBook()
    extracted = extract_mentions(articles, book=book, embedder=embedder)
    speakers: dict[str, int] = {}
    # Each mention's speaker as claims.ingest.store stores it (organisations through the book), every
    # organisation in the book before voices are read off it, as relinking reads the stored ones.
    stored_as = {
        id(m): book.resolve_organisation(m.attribution.speaker)
        if m.attribution.speaker and m.attribution.speaker_is_organisation
        else m.attribution.speaker
        for mentions, _ in extracted
        for m in mentions
    }
    spoken_for = voices_in_book(book)
    # Each mention's neighbourhood among every extracted mention of the story, as relinking finds it
    # among the stored ones.
    texts = [m.text for mentions, _ in extracted for m in mentions]
    near, _ = nearest(
        np.vstack([v for _, vectors in extracted for v in vectors]).astype(np.float32), LinkModel.candidates
    )
    items, ids, hoods = [], [], []
    position = -1
    for article_name, (mentions, vectors) in zip(names, extracted):
        found = {id(f.mention): f.claim.id for f in match(mentions, gold.articles[article_name]).found}
        for mention, vector in zip(mentions, vectors):
            position += 1
            if id(mention) not in found:
                continue
            hoods.append(Neighbourhood.of([texts[position]] + [texts[j] for j in near[position]]))
            who = voice_of(stored_as[id(mention)], spoken_for)
            speaker = speakers.setdefault(who, len(speakers)) if who else None
            items.append(
                LinkItem(
                    f"{article_name}:{mention.start}:{mention.end}",
                    mention.text,
                    vector,
                    speaker,
                    mention.attribution.kind,
                    article_name,
                    mention.role,
                )
            )
            ids.append(found[id(mention)])
    rows, labels, about = [], [], []
    for i, j in combinations(range(len(items)), 2):
        label = gold.pair(ids[i], ids[j])
        if label not in (SAME, DIFFERENT, DISTINCT) or float(items[i].vector @ items[j].vector) < MIN_COSINE:
            continue
        rarity = pair_rarity(items[i], items[j], hoods[i], hoods[j])
        rows.append(pair_features(items[i], items[j], rarity=rarity))
        labels.append(int(label == SAME))
        about.append((ids[i], ids[j], label, items[i].text, items[j].text))
    return np.array(rows), np.array(labels), about


def checkthat_pairs(embedder, negatives: int = 3):
    """CheckThat! 2021 task 2A train: each tweet with its fact-checked claim (1) and the
    closest other claims by embedding (0). No speaker or frame: those features are 0."""
    import csv

    from claims.link.pair_features import LinkItem, pair_features
    from claims.train.checkworthy_data import cached_vectors

    folder = ROOT.parent / "shared" / "bench" / "clef2021_t2a_en"
    read = lambda name: list(
        csv.DictReader((folder / name).open(encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE)
    )
    claims = read("vclaims.tsv")
    queries = read("queries.train.tsv")
    relevant: dict[str, set[str]] = {}
    for row in read("qrels.train.tsv"):
        relevant.setdefault(row["query_id"], set()).add(row["vclaim_id"])
    claim_vectors = cached_vectors([c["text"] for c in claims], embedder)
    query_vectors = cached_vectors([q["text"] for q in queries], embedder)
    position = {c["id"]: i for i, c in enumerate(claims)}
    rows, labels = [], []
    for q, qv in zip(queries, query_vectors):
        wanted = relevant.get(q["id"], set())
        query = LinkItem(q["id"], q["text"], qv)
        others = [
            int(i)
            for i in np.argsort(-(claim_vectors @ qv))[: negatives + len(wanted)]
            if claims[int(i)]["id"] not in wanted
        ][:negatives]
        for i, label in [(position[c], 1) for c in wanted if c in position] + [(i, 0) for i in others]:
            rows.append(pair_features(query, LinkItem(claims[i]["id"], claims[i]["text"], claim_vectors[i])))
            labels.append(label)
    return np.array(rows), np.array(labels)


def fit(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None, c: float = 1.0):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit(x, y, sample_weight=weights)
    return model


def thresholds(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    best, join = -1.0, 0.5
    for t in np.round(np.arange(0.30, 0.99, 0.01), 2):
        predicted = p >= t
        tp = int((predicted & (y == 1)).sum())
        f1 = 2 * tp / (predicted.sum() + (y == 1).sum()) if tp else 0.0
        if f1 > best:
            best, join = f1, float(t)
    positives = np.sort(p[y == 1])
    suggest = float(np.floor(positives[int(0.05 * len(positives))] * 100) / 100) if len(positives) else join
    return join, min(suggest, join)


def pair_report(p: np.ndarray, y: np.ndarray, join: float, suggest: float) -> str:
    linked = p >= join
    tp = int((linked & (y == 1)).sum())
    precision = tp / linked.sum() if linked.sum() else 1.0
    recall = tp / (y == 1).sum() if (y == 1).sum() else 1.0
    reach = ((p >= suggest) & (y == 1)).sum() / max(1, (y == 1).sum())
    return f"pairs {len(y)} (same {int(y.sum())}): join precision {precision:.3f} recall {recall:.3f}; same pairs at or above suggest {reach:.3f}"


def mrpc_pairs(embedder, split: str = "train"):
    """The Microsoft Research Paraphrase Corpus: news sentence pairs from many outlets on one event,
    judged the same statement (1) or not (0). No speaker or frame: those features are 0."""
    from claims.link.pair_features import LinkItem, pair_features
    from claims.train.checkworthy_data import cached_vectors
    from claims.train.pair_model import mrpc

    pairs = mrpc(split)
    texts = sorted(set(pairs.first) | set(pairs.second))
    vectors = dict(zip(texts, cached_vectors(texts, embedder)))
    x = [
        pair_features(LinkItem(a, a, vectors[a]), LinkItem(b, b, vectors[b]))
        for a, b in zip(pairs.first, pairs.second)
    ]
    return np.array(x), pairs.labels.astype(int)


def fitted_model(
    stories: list[tuple[np.ndarray, np.ndarray]],
    c: float,
    public: list[tuple[np.ndarray, np.ndarray, float]] = (),
):
    """The link model fitted on the stories' (features, labels) and the ``public`` sets' (features,
    labels, weight of each pair), ``join`` and ``suggest`` chosen on the stories' pairs alone."""
    from claims.link.clusters import LinkModel

    own_x = np.vstack([x for x, _ in stories])
    own_y = np.concatenate([y for _, y in stories])
    x = np.vstack([own_x] + [p[0] for p in public])
    y = np.concatenate([own_y] + [p[1] for p in public])
    w = np.concatenate([np.ones(len(own_y))] + [np.full(len(p[1]), p[2]) for p in public])
    model = fit(x, y, w, c)
    join, suggest = thresholds(model.predict_proba(own_x)[:, 1], own_y)
    return LinkModel(model.coef_[0], float(model.intercept_[0]), join, suggest, min_cosine=MIN_COSINE)
