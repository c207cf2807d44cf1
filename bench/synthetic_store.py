"""A workbench database of any size, written straight into SQLite, for bench/scale.py.

Real text, synthetic vectors: each mention's text is a real sentence (the CheckThat! 2021 task 2A
verified claims), the mentions of one tracked claim share it, and every vector comes from
:func:`bench.scale.sentence_like` (a real sentence's vector mixed with another's, plus noise).
Ten mentions make an article, 50 outlets and 2,000 speakers take turns. The schema is the
workbench's own (its migrations run first); the keyword index fills through its triggers.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from tqdm import tqdm

PER_ARTICLE = 10
OUTLETS = 50
SPEAKERS = 2_000


def build_store(
    path: Path, vectors: np.ndarray, claims: np.ndarray, texts: list[str], *, model_name: str
) -> None:
    """Write ``len(vectors)`` mentions to a new database at ``path``.

    Args:
        vectors: the mentions' unit vectors (used for linking and search alike).
        claims: the tracked claim (0-based) of each mention.
        texts: real sentences; claim c's mentions say ``texts[c % len(texts)]``.
        model_name: the search model's name, so the vectors count as current.
    """
    from db.session import get_engine

    get_engine(path).dispose()  # the schema, through the migrations
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")  # a bench file: rebuilt, never trusted
    with connection:
        connection.executemany(
            "INSERT INTO outlet(id, name) VALUES (?, ?)", [(i + 1, f"Outlet {i + 1}") for i in range(OUTLETS)]
        )
        connection.executemany(
            "INSERT INTO speaker(id, name, kind) VALUES (?, ?, 'person')",
            [(i + 1, f"Speaker {i + 1:04d}") for i in range(SPEAKERS)],
        )
    append_mentions(connection, vectors, claims, texts, model_name=model_name, first=0)
    connection.close()


def append_mentions(
    connection: sqlite3.Connection,
    vectors: np.ndarray,
    claims: np.ndarray,
    texts: list[str],
    *,
    model_name: str,
    first: int,
) -> None:
    """Write mentions ``first`` … ``len(vectors) - 1`` (and their articles and tracked claims) into an
    open store that holds the ones before (``first`` a multiple of ten)."""
    count = len(vectors)
    now = datetime(2026, 1, 1).isoformat(sep=" ")
    with connection:
        connection.executemany(
            "INSERT OR IGNORE INTO tracked_claim(id, canonical_text, status, first_seen, updated_at, version) "
            "VALUES (?, ?, 'unreviewed', ?, ?, 1)",
            ((int(c) + 1, texts[int(c) % len(texts)], now, now) for c in np.unique(claims[first:])),
        )
    bar = tqdm(total=count - first, desc="mentions", unit=" mentions")
    for block in range(first, count, PER_ARTICLE * 2_000):
        last = min(count, block + PER_ARTICLE * 2_000)
        articles, mentions = [], []
        for start in range(block, last, PER_ARTICLE):
            article = start // PER_ARTICLE + 1
            body, spans = [], []
            offset = 0
            for row in range(start, min(last, start + PER_ARTICLE)):
                sentence = texts[int(claims[row]) % len(texts)]
                spans.append((row, offset, offset + len(sentence), sentence))
                body.append(sentence)
                offset += len(sentence) + 1
            published = date(2025, 1, 1) + timedelta(days=article % 365)
            articles.append(
                (
                    article,
                    f"synthetic/{article:07d}.txt",
                    f"Article {article}",
                    published.isoformat(),
                    " ".join(body),
                    article % OUTLETS + 1,
                    f"{article:064x}",
                    now,
                )
            )
            for row, begin, end, sentence in spans:
                blob = vectors[row].astype("<f4").tobytes()
                mentions.append(
                    (
                        row + 1,
                        begin,
                        end,
                        sentence,
                        "reported_speech",
                        0.5 + 0.5 * ((row * 7919) % 1000) / 1000,
                        "body",
                        article,
                        int(claims[row]) + 1,
                        row % SPEAKERS + 1,
                        blob,
                        blob,
                        blob,
                        model_name,
                        now,
                    )
                )
        with connection:
            connection.executemany(
                "INSERT INTO article(id, document, title, published, text, outlet_id, content_hash, ingested_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                articles,
            )
            connection.executemany(
                'INSERT INTO mention(id, start, "end", text, attribution, checkworthiness, role, article_id, '
                "claim_id, speaker_id, embedding, search_embedding, search_context_embedding, search_model, "
                "created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                mentions,
            )
        bar.update(last - block)
    bar.close()
