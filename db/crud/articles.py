"""Outlets and articles."""

from __future__ import annotations

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


def article_choices(session: Session) -> list[tuple[int, str, str | None]]:
    """(id, document, title) of every article, newest first."""
    return list(
        session.exec(select(Article.id, Article.document, Article.title).order_by(Article.id.desc())).all()
    )
