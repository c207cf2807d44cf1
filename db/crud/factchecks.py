"""Published fact-checks and the evidence attached to tracked claims."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from db.models import (
    FactCheck,
    FactCheckEvidence,
)


def fact_check_external_ids(session: Session) -> set[str]:
    return set(session.exec(select(FactCheck.external_id)).all())


def fact_check_rows(session: Session) -> list[FactCheck]:
    return list(session.exec(select(FactCheck).order_by(FactCheck.id)).all())


def fact_check_signature(session: Session) -> tuple[int, int | None]:
    """(count, highest id): changes whenever fact-checks are imported or removed."""
    count, top = session.exec(select(func.count(FactCheck.id), func.max(FactCheck.id))).one()
    return int(count), top


def get_fact_check(session: Session, *, fact_check_id: int) -> FactCheck | None:
    return session.get(FactCheck, fact_check_id)


def get_evidence(session: Session, *, claim_id: int, fact_check_id: int) -> FactCheckEvidence | None:
    query = select(FactCheckEvidence).where(
        FactCheckEvidence.claim_id == claim_id, FactCheckEvidence.fact_check_id == fact_check_id
    )
    return session.exec(query).first()


def evidence_for(session: Session, *, claim_id: int) -> list[tuple[FactCheckEvidence, FactCheck]]:
    """Fact-checks attached to a tracked claim as evidence, oldest first."""
    query = (
        select(FactCheckEvidence, FactCheck)
        .join(FactCheck, FactCheck.id == FactCheckEvidence.fact_check_id)
        .where(FactCheckEvidence.claim_id == claim_id)
        .order_by(FactCheckEvidence.created_at, FactCheckEvidence.id)
    )
    return [(evidence, check) for evidence, check in session.exec(query).all()]
