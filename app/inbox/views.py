"""The institution's inbox: its representatives land there after logging in; admins open
any institution's (``/espace-institution?institution=<slug>``)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy, queries
from app.models import Organisation, paris_today, utcnow
from app.services import inbox as service
from app.web.pagination import paginate
from app.web.routes import private

bp = Blueprint("inbox", __name__)

# A page a phone shows well; the first list is the one to work through, the others shorter.
AWAITING_PER_PAGE = 20
OTHERS_PER_PAGE = 10
# What the inbox's page links carry: the institution and the page of each of its lists.
PAGE_ARGS = ("institution", "page", "engagements", "nouvelles", "sans-destinataire", "tri")


def _institution() -> Organisation | None:
    """The institution asked for (404 when there is none of that name); without one, a
    representative's first institution, and nothing for an admin, who chooses."""
    slug = request.args.get("institution") or None
    if slug is not None:
        return queries.inbox.institution(slug) or abort(404)
    mine = _memberships()
    return mine[0] if mine else None


def _memberships() -> list[Organisation]:
    return sorted(policy.institution_memberships(current_user), key=lambda org: org.name)


def _lists(institution: Organisation, totals: dict, today, since) -> dict:
    """One page of each list, counted already by the summary."""
    most_concerned = request.args.get("tri") == "concernes"
    awaiting = paginate(
        queries.inbox.awaiting_query(institution, most_concerned),
        AWAITING_PER_PAGE,
        total=totals["awaiting"],
    )
    commitments = paginate(
        queries.inbox.commitments_query(institution, today),
        OTHERS_PER_PAGE,
        arg="engagements",
        total=totals["commitments"],
    )
    return {
        "most_concerned": most_concerned,
        "awaiting": awaiting,
        "awaiting_items": queries.inbox.awaiting_items(awaiting.items, today),
        "commitments": commitments,
        "commitment_items": queries.inbox.commitment_items(commitments.items, today),
        "replies": paginate(
            queries.inbox.replies_query(institution, since, current_user),
            OTHERS_PER_PAGE,
            arg="nouvelles",
            total=totals["replies"],
        ),
        "unaddressed": _newest_unaddressed(institution, totals["unaddressed"]),
        "unaddressed_more": totals["unaddressed"] > queries.inbox.UNADDRESSED_SHOWN,
    }


def _newest_unaddressed(institution: Organisation, counted: int):
    """A page of the newest proposals of its workshops addressed to nobody, none past the
    ones shown."""
    shown = min(counted, queries.inbox.UNADDRESSED_SHOWN)
    page = paginate(
        queries.inbox.unaddressed_query(institution),
        OTHERS_PER_PAGE,
        arg="sans-destinataire",
        total=shown,
    )
    page.items = page.items[: max(0, shown - (page.page - 1) * OTHERS_PER_PAGE)]
    return page


@bp.get("/espace-institution")
@private
@login_required
def index():
    """What awaits the institution: answers due (the overdue first), commitments to keep,
    new replies under its responses, proposals of its workshops addressed to nobody."""
    policy.require(policy.can_open_inbox(current_user))
    institution = _institution()
    admin = policy.is_admin(current_user)
    choices = queries.inbox.institutions() if admin else _memberships()
    if institution is None:
        return render_template("inbox/choose.html", choices=choices)
    policy.require(policy.can_view_inbox(current_user, institution))
    today = paris_today()
    seen = queries.inbox.last_seen(current_user, institution)
    since = queries.inbox.replies_since(seen, utcnow())
    totals = queries.inbox.summary(institution, today, since, current_user)
    return render_template(
        "inbox/index.html",
        institution=institution,
        choices=choices,
        acting=policy.acts_in_inbox(current_user, institution),
        today=today,
        seen=seen,
        first_visit_days=queries.inbox.FIRST_VISIT_DAYS,
        horizon_days=queries.inbox.COMMITMENT_HORIZON_DAYS,
        totals=totals,
        inbox_page_args=PAGE_ARGS,
        **_lists(institution, totals, today, since),
    )


@bp.post("/espace-institution/vu")
@private
@login_required
def mark_seen():
    """The new replies under the institution's responses are seen: they are new no more."""
    policy.require(policy.can_open_inbox(current_user))
    institution = _institution() or abort(404)
    policy.require(policy.can_view_inbox(current_user, institution))
    service.mark_seen(current_user, institution)
    flash(_("Les nouvelles réponses sont marquées comme vues."), "success")
    return redirect(url_for("inbox.index", institution=institution.slug) + "#nouvelles-reponses")
