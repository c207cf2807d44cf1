"""SQLModel tables of the workbench and the shapes passed to and from them.

Vocabulary: a *mention* is one claim as it appears in one article (the CLI and
the CSV call its id ``claim_id``); a *tracked claim* groups the mentions of
the same statement across sources (``cluster_id``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum, StrEnum

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class ClaimStatus(str, Enum):
    unreviewed = "Unreviewed"
    in_progress = "In progress"
    true = "True"
    mostly_true = "Mostly true"
    misleading = "Misleading"
    false = "False"
    unverifiable = "Unverifiable"
    not_checkable = "Not checkable"


class Sourcing(str, Enum):
    primary = "Primary"
    secondary = "Secondary"
    unsourced = "Unsourced"


class AttributionKind(StrEnum):
    """How a mention reports its claim: the speaker's words in quotes, their words reported, or the
    outlet saying it itself."""

    direct_quote = "direct quote"
    reported_speech = "reported speech"
    outlet_assertion = "outlet's own"


class MentionRole(StrEnum):
    """Where in the article a mention stands: the body, or the headline repeating a body claim."""

    body = "body"
    headline = "headline"


class SuggestionState(str, Enum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


class Outlet(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)


class ArticleBase(SQLModel):
    document: str = Field(index=True, description="Path or URL the article was ingested from")
    title: str | None = None
    published: date | None = None
    text: str = Field(description="Clean text; mention spans index into it")


class Article(ArticleBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    outlet_id: int | None = Field(default=None, foreign_key="outlet.id", index=True)
    content_hash: str = Field(index=True, unique=True)
    ingested_at: datetime = Field(default_factory=utcnow)
    # [[paragraph, reason], ...] dropped as page furniture, so a reviewer can see what went;
    # None for articles stored before this was kept.
    removed: list | None = Field(default=None, sa_column=Column(JSON))


class SpeakerKind(str, Enum):
    person = "person"
    organisation = "organisation"


class Speaker(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)
    kind: SpeakerKind = SpeakerKind.person
    # What later articles may call the person by: "the transport minister" with no name, "she".
    titles: str | None = Field(
        default=None, description="Title words seen with the person, folded, space-separated"
    )
    pronoun: str | None = Field(default=None, description="he or she, once an article made it plain")


class SpeakerAlias(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    speaker_id: int = Field(foreign_key="speaker.id", index=True)
    alias: str = Field(index=True, unique=True, description="Lower-cased spelling seen in an article")


class TrackedClaimBase(SQLModel):
    canonical_text: str
    status: ClaimStatus = ClaimStatus.unreviewed


class TrackedClaim(TrackedClaimBase, table=True):
    __tablename__ = "tracked_claim"
    # The queue pages through claims in SQL: each of its orders is an index read forwards or
    # backwards, so a page of 50 reads 50 rows whatever the archive's size (tests/ui/test_query_plans.py).
    __table_args__ = (
        Index("ix_tracked_claim_by_mentions", "mention_count", "first_seen"),
        Index("ix_tracked_claim_by_checkworthiness", "top_checkworthiness", "mention_count"),
    )
    id: int | None = Field(default=None, primary_key=True)
    status: ClaimStatus = Field(default=ClaimStatus.unreviewed, index=True)
    first_seen: datetime = Field(default_factory=utcnow, index=True)
    reviewer: str | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    # Bumped on every review change; a save that read an older version is refused.
    version: int = 1
    # Kept by SQLite triggers on mention (db/claim_stats.py), whatever writes the mentions; never set here.
    mention_count: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    article_count: int = Field(default=0, index=True, sa_column_kwargs={"server_default": text("0")})
    top_checkworthiness: float = Field(default=0.0, sa_column_kwargs={"server_default": text("0")})


class MentionBase(SQLModel):
    start: int = Field(description="Character offset of the claim text in the article's clean text")
    end: int
    text: str
    venue: str | None = None
    attribution: AttributionKind = AttributionKind.outlet_assertion
    checkworthiness: float = 0.0
    sourcing: Sourcing | None = None
    role: str = Field(
        default=MentionRole.body,
        description="A MentionRole: body, or headline when the title repeats a body claim",
    )
    said_when: str | None = Field(default=None, description="The frame's date phrase ('on Tuesday')")
    said_on: date | None = Field(default=None, description="said_when resolved against the article's date")


class Mention(MentionBase, table=True):
    # What the claim_stats triggers read for one claim, without touching the rows' texts and vectors.
    __table_args__ = (
        Index("ix_mention_claim_stats", "claim_id", "article_id", "checkworthiness"),
        # The Speakers page counts each speaker's mentions and articles from this index alone.
        Index("ix_mention_speaker_articles", "speaker_id", "article_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    claim_id: int = Field(foreign_key="tracked_claim.id", index=True)
    speaker_id: int | None = Field(default=None, foreign_key="speaker.id", index=True)
    embedding: bytes = Field(description="float32 little-endian, L2-normalised")
    search_embedding: bytes | None = Field(
        default=None, description="The text embedded by the search model (claims.embed.search_model)"
    )
    search_context_embedding: bytes | None = Field(
        default=None, description="The paragraph embedded by the search model"
    )
    search_model: str | None = Field(
        default=None,
        index=True,  # "does any mention lack current search vectors?" is asked before each search
        description="Name of the model the two search vectors came from; another name means embed again",
    )
    # Indexed: the newest mention's time is part of the state a long-running reader compares on each rerun.
    created_at: datetime = Field(default_factory=utcnow, index=True)
    version: int = 1


class LinkSuggestion(SQLModel, table=True):
    """A mention that looks like an existing tracked claim but not enough to join it."""

    __tablename__ = "link_suggestion"
    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mention.id", index=True)
    claim_id: int = Field(foreign_key="tracked_claim.id", index=True)
    score: float
    state: SuggestionState = SuggestionState.pending
    decided_by: str | None = None
    decided_at: datetime | None = None


class Note(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="tracked_claim.id", index=True)
    reviewer: str
    text: str
    created_at: datetime = Field(default_factory=utcnow)


class History(SQLModel, table=True):
    """Every review change: what changed, old -> new, who and when."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="tracked_claim.id", index=True)
    mention_id: int | None = Field(default=None, foreign_key="mention.id")
    field: str
    old: str | None = None
    new: str | None = None
    reviewer: str
    at: datetime = Field(default_factory=utcnow)


class FactCheck(SQLModel, table=True):
    """A previously published fact-check, imported to answer "checked before?"."""

    __tablename__ = "fact_check"
    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(index=True, unique=True, description="The id as imported")
    text: str
    title: str | None = None
    url: str | None = None
    rating: str | None = None
    date: str | None = None
    embedding: bytes
    title_embedding: bytes | None = Field(
        default=None, description="The title's vector, when there is a title"
    )
    imported_at: datetime = Field(default_factory=utcnow)


class FactCheckEvidence(SQLModel, table=True):
    """A published fact-check a reviewer attached to a tracked claim as evidence."""

    __tablename__ = "fact_check_evidence"
    __table_args__ = (UniqueConstraint("claim_id", "fact_check_id"),)
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="tracked_claim.id", index=True, ondelete="CASCADE")
    fact_check_id: int = Field(foreign_key="fact_check.id", index=True, ondelete="CASCADE")
    score: float | None = Field(default=None, description="The match score when it was attached")
    reviewer: str
    created_at: datetime = Field(default_factory=utcnow)


class SpeakerApart(SQLModel, table=True):
    """Two speakers a reviewer split: automatic name matching must not fold them together again."""

    __tablename__ = "speaker_apart"
    id: int | None = Field(default=None, primary_key=True)
    speaker_a: int = Field(foreign_key="speaker.id", index=True, description="The lower id of the pair")
    speaker_b: int = Field(foreign_key="speaker.id", index=True)
    reviewer: str
    created_at: datetime = Field(default_factory=utcnow)


class SpeakerChange(SQLModel, table=True):
    """Every reviewer change to the speakers (merge, split, rename): old -> new name, who and when."""

    __tablename__ = "speaker_change"
    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(description="merge, split or rename")
    speaker_id: int | None = Field(
        default=None, index=True, description="The speaker kept, split off or renamed"
    )
    old: str | None = None
    new: str | None = None
    reviewer: str
    at: datetime = Field(default_factory=utcnow)


# ExtractionFeedback.label: a reviewer's verdict on a span.
NOT_A_CLAIM, A_CLAIM = 0, 1


class ExtractionFeedback(SQLModel, table=True):
    """A reviewer's verdict on a span of an article: a claim the extractor missed (1) or a false one (0).

    Kept for the next retraining of the check-worthiness model (``feedback export``).
    """

    __tablename__ = "extraction_feedback"
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    start: int
    end: int
    text: str
    label: int = Field(description="1 = a claim, 0 = not a claim")
    reviewer: str
    created_at: datetime = Field(default_factory=utcnow)


class LinkDecision(SQLModel, table=True):
    """A reviewer's word that two mentions are (or are not) one tracked claim.

    Mentions are named by :func:`claims.link.relink.mention_key` (article content hash
    and span), so the decision holds across re-extraction and re-ingest; every
    relinking obeys it.
    """

    __tablename__ = "link_decision"
    id: int | None = Field(default=None, primary_key=True)
    key_a: str = Field(index=True)
    key_b: str = Field(index=True)
    same: bool
    reviewer: str
    at: datetime = Field(default_factory=utcnow)


class RefreshState(SQLModel, table=True):
    """One row: how many stored changes want the derived data refreshed, and how many are done.

    An article's transaction bumps ``wanted``; a refresh (relinking, search vectors, the FAISS file)
    that read ``wanted`` = w when it began sets ``done`` to w when it has finished. ``wanted > done``
    means work a killed or concurrent run left unfinished, which the next ingest or reindex does.
    """

    __tablename__ = "refresh_state"
    id: int | None = Field(default=None, primary_key=True)
    wanted: int = 0
    done: int = 0


class LinkNode(SQLModel, table=True):
    """What relinking last worked out for one mention, so the next one starts from it.

    No foreign key: when a mention goes, its row stays until relinking has looked at its old
    component and neighbours (claims.link.relink).
    """

    __tablename__ = "link_node"
    mention_id: int = Field(primary_key=True)
    component: int = Field(
        index=True,
        description="The smallest mention id of its component: mentions joinable to each other, step by step",
    )
    kth: float = Field(
        description="Cosine of its last listed neighbour; a new mention closer than this enters its list"
    )


class LinkNeighbour(SQLModel, table=True):
    """A mention's nearest mentions by the bundled model's cosine, best first (claims.link.relink)."""

    __tablename__ = "link_neighbour"
    mention_id: int = Field(primary_key=True)
    rank: int = Field(primary_key=True)
    # Indexed: whose lists a changed or deleted mention is in.
    neighbour_id: int = Field(index=True)
    cosine: float


class LinkDirty(SQLModel, table=True):
    """Mentions inserted, changed or deleted since the last relinking; filled by triggers (db.link_state)."""

    __tablename__ = "link_dirty"
    mention_id: int = Field(primary_key=True)


class LinkState(SQLModel, table=True):
    """One row: the link model, the speakers' voices and the reviewers' link decisions the stored
    components were worked out with; relinking compares them with the current ones."""

    __tablename__ = "link_state"
    id: int | None = Field(default=None, primary_key=True)
    model: str
    inputs: str = Field(description="JSON: voices and decisions")
