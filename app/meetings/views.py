"""Meetings: upcoming and past lists, a meeting's page, organising, changing, cancelling,
registering, and iCalendar files for calendar apps."""

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import calendar, policy, queries
from app.extensions import db
from app.meetings.forms import NONE, CancelForm, MeetingForm, meeting_kind_label
from app.models import Meeting, MeetingKind, Organisation, Theme, User
from app.services import ServiceError
from app.services import meetings as service
from app.services.meetings import MeetingDetails
from app.web import content_language
from app.web.ids import possible_ids
from app.web.links import public_url
from app.web.loading import theme_filter, theme_or_404
from app.web.pagination import paginate
from app.web.refusals import refuse
from app.web.routes import private, public, public_page, requires_charter

bp = Blueprint("meetings", __name__)

UPCOMING_LIMIT = 50
PAST_PER_PAGE = 20
CALENDAR_MAX_AGE = 300  # seconds calendar apps and proxies may keep a feed


@bp.app_context_processor
def _meeting_helpers() -> dict:
    return {"meeting_kind_label": meeting_kind_label}


@bp.app_template_global()
def meeting_change_label(change: dict) -> tuple[str, str, str]:
    """A MEETING_CHANGED entry as (what, before, after), times in Paris time."""
    names = {
        "starts_at": _("Début"),
        "ends_at": _("Fin"),
        "place_name": _("Lieu"),
        "address": _("Adresse"),
    }

    def value(raw) -> str:
        if not raw:
            return _("non précisé")
        if change["field"] in ("starts_at", "ends_at"):
            return format_datetime(datetime.fromisoformat(raw), "EEEE d MMMM y, HH:mm")
        return raw

    return (
        names.get(change["field"], change["field"]),
        value(change["before"]),
        value(change["after"]),
    )


@bp.app_template_global()
def meeting_when(meeting: Meeting) -> str:
    """ "mercredi 3 juin 2015, 09:00 – 11:00", in Paris time."""
    when = format_datetime(meeting.starts_at, "EEEE d MMMM y, HH:mm")
    if meeting.ends_at is None:
        return when
    starts, ends = calendar.to_paris(meeting.starts_at), calendar.to_paris(meeting.ends_at)
    same_day = starts.date() == ends.date()
    pattern = "HH:mm" if same_day else "EEEE d MMMM y, HH:mm"
    return f"{when} – {format_datetime(meeting.ends_at, pattern)}"


@bp.app_template_global()
def webcal_url(endpoint: str, **values) -> str:
    """A calendar feed's address for subscribing (webcal://), rather than downloading: kept
    by the calendar app, so under the site's public address, never the request's Host."""
    url = public_url(endpoint, **values)
    return "webcal://" + url.split("://", 1)[1]


def _load(meeting_id: int) -> Meeting:
    return queries.meetings.meeting_detail(meeting_id) or abort(404)


def _kind_filter() -> MeetingKind | None:
    value = request.args.get("type") or None
    if value is None:
        return None
    try:
        return MeetingKind(value)
    except ValueError:
        abort(400)


@bp.get("/reunions/")
@public_page
def index():
    """Upcoming meetings, then past ones (paginated), by workshop and kind."""
    theme, kind = theme_filter("atelier"), _kind_filter()
    upcoming = queries.meetings.upcoming_of(theme, kind, UPCOMING_LIMIT)
    return render_template(
        "meetings/index.html",
        upcoming=upcoming,
        past=paginate(queries.meetings.meetings_query(False, theme, kind), PAST_PER_PAGE),
        registration_counts=queries.meetings.registration_counts([m.id for m in upcoming]),
        themes=queries.proposals.themes_with_counts(),
        theme=theme,
        kind=kind,
    )


@bp.get("/reunions/<int:meeting_id>")
@public_page
def show(meeting_id: int):
    """A meeting: when, where, its agenda and proposals, registration."""
    meeting = _load(meeting_id)
    people = []
    if policy.can_see_meeting_registrations(current_user, meeting):
        people = queries.meetings.registered_people(meeting)
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        registered_count=queries.meetings.registration_count(meeting),
        registered=queries.meetings.is_registered(current_user, meeting),
        people=people,
        minutes=queries.minutes.minutes_for(meeting),
        # Last: the page's translations are read with these languages, in one statement.
        languages=content_language.page_languages(meeting),
    )


def _hosts(meeting: Meeting | None) -> dict[int, Organisation]:
    """The associations one may name as host, and the one the meeting already has."""
    hosts = [
        org
        for org in queries.directory.associations()
        if policy.can_host_meeting(current_user, org)
    ]
    if meeting is not None and meeting.host is not None and meeting.host not in hosts:
        hosts.insert(0, meeting.host)
    return {org.id: org for org in hosts}


def _fill_secretaries(form: MeetingForm, host: Organisation | None, meeting: Meeting | None):
    """The host's members (without a host, the organiser); the creator unless one is sent."""
    organiser = current_user
    if meeting is not None and meeting.created_by_id is not None:
        organiser = db.session.get(User, meeting.created_by_id) or current_user
    if form.secretary_id.data is None:
        form.secretary_id.data = (meeting and meeting.secretary_id) or organiser.id
    candidates = queries.meetings.secretary_candidates(host, organiser)
    form.secretary_id.choices = [(person.id, person.public_name) for person in candidates]


def _fill_choices(form: MeetingForm, meeting: Meeting | None = None) -> None:
    """Workshops, hosts, the chosen host's members as secretaries, and the chosen workshop's
    proposals (every one without a workshop)."""
    themes = {theme.id: theme for theme, _count in queries.proposals.themes_with_counts()}
    form.theme_id.choices = [(NONE, _("Aucun atelier"))] + [
        (theme.id, theme.name) for theme in themes.values()
    ]
    # Only a listed host or person: whatever number was posted never reaches the database.
    hosts = _hosts(meeting)
    form.host_id.choices = [(NONE, _("Aucune"))] + [(org.id, org.name) for org in hosts.values()]
    _fill_secretaries(form, hosts.get(form.host_id.data), meeting)
    # Only a listed workshop: whatever number was posted never reaches the database.
    theme = themes.get(form.theme_id.data)
    form.proposal_ids.choices = [
        (p.id, p.title if theme else f"{p.theme.name} — {p.title}")
        for p in queries.meetings.proposals_to_choose(theme, _ticked(form))
    ]


def _ticked(form: MeetingForm) -> list[int]:
    """The proposals on the agenda (a meeting edited) or ticked in the form sent."""
    return possible_ids(form.proposal_ids.data)


def _details(form: MeetingForm) -> MeetingDetails:
    starts_at, ends_at = form.times()
    theme = db.session.get(Theme, form.theme_id.data) if form.theme_id.data else None
    ids = form.proposal_ids.data or []
    return MeetingDetails(
        kind=MeetingKind(form.kind.data),
        title=form.title.data,
        theme=theme,
        host=db.session.get(Organisation, form.host_id.data) if form.host_id.data else None,
        secretary=db.session.get(User, form.secretary_id.data),
        starts_at=starts_at,
        ends_at=ends_at,
        place_name=form.place_name.data or "",
        address=form.address.data or "",
        agenda=form.agenda.data or "",
        description=form.description.data or "",
        is_public=form.is_public.data,
        capacity=form.capacity.data,
        proposals=service.proposals_by_id(ids),
    )


@bp.route("/reunions/nouvelle", methods=["GET", "POST"])
@private
@requires_charter(methods=("POST",))
@login_required
def create():
    """Organise a working-group meeting or a thematic day."""
    policy.require(policy.can_organise_meeting(current_user))
    form = MeetingForm()
    if request.method == "GET":
        theme = theme_filter("atelier")
        form.theme_id.data = theme.id if theme else NONE
        mine = policy.association_memberships(current_user)
        form.host_id.data = mine[0].id if mine else NONE
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            meeting = service.create_meeting(current_user, _details(form))
        except ServiceError as error:
            refuse(form.secretary_id, error)  # what the form could not see: a host left meanwhile
        else:
            flash(_("La réunion est annoncée."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=None)


@bp.route("/reunions/<int:meeting_id>/modifier", methods=["GET", "POST"])
@private
@requires_charter(methods=("POST",))
@login_required
def edit(meeting_id: int):
    """Change a meeting; people registered hear of a new date, time or place."""
    meeting = _load(meeting_id)
    policy.require(policy.can_edit_meeting(current_user, meeting))
    form = MeetingForm(obj=meeting, registered=queries.meetings.registration_count(meeting))
    if request.method == "GET":
        form.fill_from(meeting)
    _fill_choices(form, meeting)
    if form.validate_on_submit():
        try:
            changes = service.update_meeting(current_user, meeting, _details(form))
        except ServiceError as error:
            refuse(form.secretary_id, error)  # what the form could not see: a host left meanwhile
        else:
            if changes:
                flash(
                    _("La réunion est modifiée ; les personnes inscrites sont prévenues."),
                    "success",
                )
            else:
                flash(_("La réunion est modifiée."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=meeting)


@bp.route("/reunions/<int:meeting_id>/annuler", methods=["GET", "POST"])
@private
@requires_charter(methods=("POST",))
@login_required
def cancel(meeting_id: int):
    """Cancel a meeting, with a reason published and sent to the people registered."""
    meeting = _load(meeting_id)
    policy.require(policy.can_cancel_meeting(current_user, meeting))
    form = CancelForm()
    if form.validate_on_submit():
        try:
            service.cancel_meeting(current_user, meeting, form.reason.data)
        except ServiceError as error:
            refuse(form.reason, error)
        else:
            flash(_("La réunion est annulée ; les personnes inscrites sont prévenues."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/cancel.html", form=form, meeting=meeting)


@bp.post("/reunions/<int:meeting_id>/inscription")
@private
@requires_charter(methods=("POST",))
@login_required
def register(meeting_id: int):
    """Register for a meeting."""
    meeting = _load(meeting_id)
    policy.require(policy.may_attend_meeting(current_user, meeting))
    try:
        service.register(current_user, meeting)
    except ServiceError as error:
        flash(str(error), "error")
    else:
        flash(_("Vous êtes inscrit·e. Vous serez prévenu·e si la réunion change."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


@bp.post("/reunions/<int:meeting_id>/desinscription")
@private
@requires_charter(methods=("POST",))
@login_required
def unregister(meeting_id: int):
    """Withdraw one's registration."""
    meeting = _load(meeting_id)
    try:
        removed = service.unregister(current_user, meeting)
    except ServiceError as error:
        flash(str(error), "error")
    else:
        if removed:
            flash(_("Vous n’êtes plus inscrit·e à cette réunion."), "success")
        else:
            flash(_("Vous n’étiez pas inscrit·e à cette réunion."), "info")
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


def _calendar_response(meetings: list[Meeting], name: str, filename: str):
    response = make_response(calendar.meetings_calendar(meetings, name))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.cache_control.public = True
    response.cache_control.max_age = CALENDAR_MAX_AGE
    response.vary.update(("Cookie", "Accept-Language"))  # in the requester's language
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/reunions/<int:meeting_id>.ics")
@public
def meeting_calendar(meeting_id: int):
    """One meeting, to add to one's calendar."""
    meeting = _load(meeting_id)
    title = content_language.localized(meeting, "title").text
    return _calendar_response([meeting], title, f"reunion-{meeting.id}.ics")


@bp.get("/reunions.ics")
@public
def network_calendar():
    """Every meeting of the network, for calendar apps to subscribe to."""
    name = _("Voix solidaires : réunions du réseau")
    return _calendar_response(queries.meetings.calendar_meetings(), name, "reunions.ics")


@bp.get("/ateliers/<slug>/reunions.ics")
@public
def theme_calendar(slug: str):
    """A workshop's meetings, for calendar apps to subscribe to."""
    theme = theme_or_404(slug)
    # The meetings first: the workshop's name is then read with their titles, in one query.
    meetings = queries.meetings.calendar_meetings(theme)
    name = _("Voix solidaires : %(name)s", name=content_language.localized(theme, "name").text)
    return _calendar_response(meetings, name, f"reunions-{theme.slug}.ics")
