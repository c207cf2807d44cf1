"""Every figure on every annotated story, measured through the CLI contract: claim recall, speaker
and venue accuracy, boilerplate taken, link F1 and look-alike pairs merged, paraphrase search
hit@1/hit@3, check-worthiness AP (claims.eval.generalisation).

    .venv/bin/python -m bench.generalisation                     # seeds, demo, news_dev story_a and story_b
    .venv/bin/python -m bench.generalisation --story story_a --verbose
    .venv/bin/python -m bench.generalisation --json
    .venv/bin/python -m bench.generalisation --loso-links --loso-search  # every fitted weight held out (about 2 min)

A story the shipped rules and models were written or fitted on (claims.eval.stories.SHIPPED_ON) is
marked in-sample; the pooled row adds up the others only. Those (news_dev) fitted no model or weight,
but their misses were read while writing extraction rules (LOOKED_AT): development figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import time

from claims.eval.generalisation import choose_fusion, evaluate, evaluate_held_out, fusion_grid, pooled
from claims.eval.stories import LOOKED_AT, STORIES, load_story


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--story", choices=STORIES, action="append")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="list the gold claims no mention holds, and wrong speakers and venues",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--loso-links",
        action="store_true",
        help="link each story with a link model fitted on the other stories only (leave one story out)",
    )
    parser.add_argument(
        "--mrpc-weight",
        type=float,
        default=0.0,
        help="with --loso-links: weight of each MRPC train pair against a story's pair in the fit",
    )
    parser.add_argument(
        "--one-by-one",
        action="store_true",
        help="ingest each article with its own command (incremental relinking), then check that "
        "relinking everything (reindex) changes no tracked claim",
    )
    parser.add_argument(
        "--loso-search",
        action="store_true",
        help="search each story with the fusion weights that do best on the other stories' queries",
    )
    args = parser.parse_args()
    if args.loso_search and args.story and len(set(args.story)) < 2:
        parser.error("--loso-search chooses the weights on the other stories: give at least two")
    grid = fusion_grid() if args.loso_search else ()
    started = time.perf_counter()
    if args.loso_links:
        from claims.embed.encoder import default_embedder
        from claims.train.linking import mrpc_pairs

        embedder = default_embedder()
        public = [(*mrpc_pairs(embedder), args.mrpc_weight)] if args.mrpc_weight > 0 else []
        results = [
            evaluate_held_out(name, embedder, public=public, fusion_grid=grid, one_by_one=args.one_by_one)
            for name in args.story or STORIES
        ]
    else:
        results = [
            evaluate(load_story(name), fusion_grid=grid, one_by_one=args.one_by_one)
            for name in args.story or STORIES
        ]
    if grid:
        choose_fusion(results)
    held = [f for f in results if f.held_out]
    columns = results + ([pooled(held)] if held else [])
    held_out = [kind for kind, on in (("links", args.loso_links), ("search", args.loso_search)) if on]
    if held_out and len(results) > len(held):
        every = pooled(results)
        every.story = f"all ({' and '.join(held_out)} held out)"
        every.links_held_out, every.search_held_out = args.loso_links, args.loso_search
        columns.append(every)

    def mark(f) -> str:
        if f.held_out or f.story.startswith("all"):
            return ""
        kinds = [kind for kind, on in (("links", f.links_held_out), ("search", f.search_held_out)) if on]
        return f" ({' and '.join(kinds)} held out)" if kinds else " (in-sample)"

    table = {f.story + mark(f): f.rates() for f in columns}
    if args.json:
        print(json.dumps(table, indent=2))
        return
    names = list(table)
    width = max(22, *(len(n) + 2 for n in names))  # "seeds (links and search held out)" stays apart
    print(f"{'figure':20}" + "".join(f"{n:>{width}}" for n in names))
    for key in next(iter(table.values())):
        cells = [table[n][key] for n in names]
        print(
            f"{key:20}"
            + "".join(f"{c:>{width}.3f}" if isinstance(c, float) else f"{c:>{width}}" for c in cells)
        )
    print(
        f"({time.perf_counter() - started:.0f} s; pooled = {', '.join(f.story for f in held)}: no model or weight "
        "fitted on them"
        + (
            "; extraction rules were written reading the misses of "
            + ", ".join(f.story for f in held if f.story in LOOKED_AT)
            + ", so those are development figures, not a test"
            if any(f.story in LOOKED_AT for f in held)
            else ""
        )
        + ")"
    )
    for f in results:
        if f.same_after_full is not None:
            print(
                f"{f.story}: one article per ingest; relinking everything afterwards "
                + ("changed no tracked claim" if f.same_after_full else "CHANGED the tracked claims")
            )
    for f in results:
        if f.fusion:
            print(
                f"{f.story}: searched with alpha, context, speaker boost = {f.fusion}, chosen on the other stories"
            )
    for f in results:
        for anchor, place in f.queue_place.items():
            print(
                f"{f.story}: “{anchor}” is in the top {place:.0%} of its article's mentions by check-worthiness"
            )
    if args.verbose:
        for f in results:
            for kind in ("missed", "speaker", "venue", "boilerplate", "false link", "missed link", "search"):
                for line in f.misses.get(kind, []):
                    print(f"{f.story}  {kind.upper():11}  {line}")


if __name__ == "__main__":
    main()
