"""Organisations: associations, service-provider associations and institutions."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow


class OrganisationKind(enum.StrEnum):
    ASSOCIATION = "association"
    SERVICE_PROVIDER = "service_provider"
    INSTITUTION = "institution"


membership = sa.Table(
    "membership",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "organisation_id",
        sa.ForeignKey("organisation.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


organisation_theme = sa.Table(
    "organisation_theme",
    db.metadata,
    sa.Column(
        "organisation_id", sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "theme_id", sa.ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Organisation(db.Model):
    """A member of the network or an institution it talks to."""

    # The board lists institutions (and associations) by name from this index alone.
    __table_args__ = (sa.Index("ix_organisation_listed", "kind", "example", "name", "id"),)

    # Longest texts, in characters, said once: the column's size, the forms' limit.
    NAME_MAX = 200
    SHORT_NAME_MAX = 40
    ADDRESS_MAX = 300
    CONTACT_EMAIL_MAX = 254
    WEBSITE_MAX = 300
    CONTACT_PHONE_MAX = 40
    DESCRIPTION_MAX = 5000  # text (no size in the database)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX), unique=True)
    short_name: Mapped[str | None] = mapped_column(sa.String(SHORT_NAME_MAX))
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    address: Mapped[str] = mapped_column(sa.String(ADDRESS_MAX), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(CONTACT_EMAIL_MAX), default="")
    website: Mapped[str] = mapped_column(sa.String(WEBSITE_MAX), default="")
    contact_phone: Mapped[str] = mapped_column(
        sa.String(CONTACT_PHONE_MAX), default="", server_default=""
    )
    opening_hours: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Address ranges (CIDR, one a line) of its premises, where many share one connection:
    # guest testimonies from there get a higher limit. Seen by admins only.
    premises_networks: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    verified: Mapped[bool] = mapped_column(default=False)
    # Where the institution is told of proposals sent to it, reminded and sent its answer
    # links: admins set it, never shown publicly; verified when its owner opens the link
    # e-mailed to it (a changed address is unverified again).
    official_email: Mapped[str] = mapped_column(
        sa.String(CONTACT_EMAIL_MAX), default="", server_default=""
    )
    official_email_verified_at: Mapped[datetime | None]
    # The language e-mails to that address are written in (None: the site's default).
    official_locale: Mapped[str | None] = mapped_column(sa.String(8))
    # The weekly digest to that address was stopped by its unsubscribe link (the e-mails
    # telling of a proposal sent to the institution, its reminders and its answer links
    # are not newsletters: they keep coming).
    digest_stopped_at: Mapped[datetime | None]
    # Invented for the demonstration: shown "exemple" everywhere, never loaded in production.
    example: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list["User"]] = relationship(  # noqa: F821
        secondary=membership, back_populates="organisations", order_by="User.pseudonym"
    )
    themes: Mapped[list["Theme"]] = relationship(  # noqa: F821
        secondary=organisation_theme, order_by="Theme.position"
    )

    @property
    def is_institution(self) -> bool:
        return self.kind is OrganisationKind.INSTITUTION

    @property
    def is_association(self) -> bool:
        return self.kind in (OrganisationKind.ASSOCIATION, OrganisationKind.SERVICE_PROVIDER)

    @property
    def official_email_verified(self) -> bool:
        return bool(self.official_email) and self.official_email_verified_at is not None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"
