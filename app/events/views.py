"""The network's events: the list, an event's page with its review, its proposals and its
meetings; and the admin pages that record them."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy, queries
from app.events.forms import EventForm
from app.labels import event_kind_label
from app.queries.proposals import EventFilter
from app.services import ServiceError
from app.services import network_events as service
from app.web import content_language
from app.web.loading import event_filter, event_or_404
from app.web.pagination import paginate
from app.web.refusals import refuse_on
from app.web.routes import private, public_page

bp = Blueprint("events", __name__)

EVENTS_PER_PAGE = 20
ADMIN_EVENTS_PER_PAGE = 50
# An event's page lists this many of its proposals, then links to the full list.
PROPOSALS_SHOWN = 60
MEETINGS_SHOWN = 30


@bp.context_processor
def _event_helpers() -> dict:
    return {"event_kind_label": event_kind_label}


@bp.get("/evenements/")
@public_page
def index():
    """The events, newest first, by year."""
    year = event_filter().year  # the same year rule as every proposal list (404 otherwise)
    page = paginate(queries.network_events.events_query(year), per_page=EVENTS_PER_PAGE)
    counts = queries.network_events.proposal_counts([event.id for event in page.items])
    return render_template(
        "events/index.html",
        page=page,
        counts=counts,
        year=year,
        years=queries.network_events.filter_choices()[1],
    )


@bp.get("/evenements/<slug>")
@public_page
def show(slug: str):
    """An event: its review, its proposals by workshop, the meetings that followed it."""
    event = event_or_404(slug)
    return render_template(
        "events/show.html",
        event=event,
        groups=queries.network_events.proposals_by_theme(event, PROPOSALS_SHOWN),
        proposal_count=queries.network_events.proposal_counts([event.id])[event.id],
        meetings=queries.network_events.event_meetings(event, MEETINGS_SHOWN),
        voices=queries.synthesis.voices(events=EventFilter(event=event)),
        featured=queries.synthesis.featured_testimonies(events=EventFilter(event=event)),
        # Last: the page's translations are read with these languages, in one statement.
        languages=content_language.page_languages(event),
    )


@bp.get("/admin/evenements")
@private
@login_required
def admin_index():
    """The events to edit, newest first."""
    policy.require(policy.can_manage_events(current_user))
    page = paginate(queries.network_events.events_query(), per_page=ADMIN_EVENTS_PER_PAGE)
    return render_template("events/admin_index.html", page=page)


@bp.route("/admin/evenements/nouveau", methods=["GET", "POST"])
@private
@login_required
def create():
    """Record an event of the network."""
    policy.require(policy.can_manage_events(current_user))
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = service.create_event(current_user, form.data)
        except ServiceError as error:
            refuse_on(form, error, "name")
        else:
            flash(_("L’événement « %(name)s » est enregistré.", name=event.name), "success")
            return redirect(url_for("events.admin_index"))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/admin/evenements/<slug>/modifier", methods=["GET", "POST"])
@private
@login_required
def edit(slug: str):
    """Change an event's record and its review."""
    policy.require(policy.can_manage_events(current_user))
    event = event_or_404(slug)
    form = EventForm(obj=event)
    if form.validate_on_submit():
        try:
            service.update_event(current_user, event, form.data)
        except ServiceError as error:
            refuse_on(form, error, "name")
        else:
            flash(_("L’événement « %(name)s » est enregistré.", name=event.name), "success")
            return redirect(url_for("events.admin_index"))
    return render_template("events/form.html", form=form, event=event)
