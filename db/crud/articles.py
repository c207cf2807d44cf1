"""Outlets and articles."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from db.models import (
    Article,
    Outlet,
)


def get_or_create_outlet(session: Session, *, name: str) -> Outlet:
    outlet = session.exec(select(Outlet).where(Outlet.name == name)).first()
    if outlet is None:
        outlet = Outlet(name=name)
        session.add(outlet)
        session.flush()
    return outlet


def known_hashes(session: Session) -> set[str]:
    return set(session.exec(select(Article.content_hash)).all())


def article_with_hash(session: Session, *, content_hash: str) -> Article | None:
    return session.exec(select(Article).where(Article.content_hash == content_hash)).first()


def outlet_names(session: Session) -> list[str]:
    return list(session.exec(select(Outlet.name).order_by(Outlet.name)).all())


def get_article(session: Session, *, article_id: int) -> Article | None:
    return session.get(Article, article_id)


def article_choices(
    session: Session, *, first: Sequence[int] = (), limit: int | None = None
) -> list[tuple[int, str, str | None]]:
    """(id, document, title) of the articles ``first`` (in that order), then of the newest others:
    ``limit`` of them, or every one."""
    columns = select(Article.id, Article.document, Article.title)
    chosen = {row[0]: row for row in session.exec(columns.where(Article.id.in_(list(first)))).all()}
    rest = columns.where(Article.id.not_in(list(chosen))).order_by(Article.id.desc())
    newest = session.exec(rest.limit(limit) if limit is not None else rest).all()
    return [chosen[i] for i in dict.fromkeys(first) if i in chosen] + list(newest)
