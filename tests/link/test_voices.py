"""A person speaks with the voice of the organisation their titles name: "the WHO said" and "the
WHO's Director-General said" the same figure are one tracked claim; another organisation is not."""

from __future__ import annotations

from sqlmodel import Session

from claims.ingest.pipeline import ingest
from claims.link.voices import voices
from db import crud
from db.session import get_engine

ARTICLES = {
    "geneva_wire.txt": (
        "Lumen fever declared an emergency\n\n"
        "GENEVA - Lumen fever is a global emergency, World Health Organization "
        "Director-General Anna Lindqvist told reporters on Monday.\n\n"
        "Lindqvist said the agency would send 200 field staff to the worst-hit regions.\n"
    ),
    "health_desk.txt": (
        "WHO sounds the alarm\n\n"
        "The World Health Organization said on Monday that Lumen fever was a global emergency.\n\n"
        "The Centers for Disease Control and Prevention said that Lumen fever was a national emergency.\n"
    ),
}


def test_a_person_speaks_for_the_one_organisation_their_titles_name():
    people = {
        "Anna Lindqvist": {"world", "health", "organization", "director", "general"},
        "Jonas Eriksen": {"port", "authority", "chief"},
        "Elena Markovic": {"transport", "minister"},
        "Both Hats": {"port", "authority", "harbour", "party", "leader"},
        "Lars Dahl": {"official", "who", "spoke"},  # "the official who spoke": a pronoun, not the WHO
    }
    organisations = {
        "World Health Organization": ["World Health Organization", "who"],
        "Port Authority": ["Port Authority"],
        "Harbour Party": ["Harbour Party"],
        "Ministry of Transport": ["Ministry of Transport"],  # a "minister" is not the "ministry" by words
    }
    assert voices(people, organisations) == {
        "Anna Lindqvist": "World Health Organization",
        "Jonas Eriksen": "Port Authority",
    }


def test_the_organisation_and_its_head_saying_the_same_are_one_tracked_claim(tmp_path, embedder):
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    engine = get_engine(tmp_path / "claims.db")
    assert ingest(engine, [str(tmp_path / name) for name in ARTICLES], embedder=embedder).ok
    with Session(engine) as session:
        rows = crud.mention_rows(session)
    claim_of = {row.mention.text: row.mention.claim_id for row in rows}
    # Under eight words, two mentions join only when one voice says both.
    head = next(c for t, c in claim_of.items() if t.startswith("Lumen fever is a global"))
    agency = next(c for t, c in claim_of.items() if t.startswith("Lumen fever was a global"))
    other = next(c for t, c in claim_of.items() if "national emergency" in t)
    assert head == agency
    assert other != head
