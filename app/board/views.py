"""The accountability board (tableau de suivi), its CSV export, and the synthesis (bilan)."""

import csv
import dataclasses
import io
import re
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _

from app import labels, queries
from app.board import charts
from app.calendar import EARLIEST_DAY, LATEST_DAY, in_calendar
from app.extensions import db
from app.models import Organisation, ProposalStatus, Theme
from app.queries.proposals import EventFilter
from app.web.loading import event_filter, theme_filter
from app.web.pagination import paginate
from app.web.routes import public, public_page

bp = Blueprint("board", __name__)

# A page a phone shows well: institutions and overdue responses come by twenties.
ROWS_PER_PAGE = 20
OVERDUE_PER_PAGE = 20
COMMITMENTS_PER_PAGE = 20
# What the board's page links carry: its filters and the page of each of its three lists.
PAGE_ARGS = (
    *("atelier", "institution", "evenement", "annee"),
    *("page", "retards", "engagements", "associations"),
)
ASSOCIATIONS_PER_PAGE = 20
_ID = re.compile(r"[0-9]{1,9}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Spreadsheets run a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@bp.context_processor
def _helpers() -> dict:
    return {"format_decimal": format_decimal}


def _events(institution: Organisation | None) -> EventFilter:
    """The event filter; an example institution's own board counts its example rows."""
    events = event_filter()
    if institution is not None and institution.example:
        return dataclasses.replace(events, with_examples=True)
    return events


def _institution_filter() -> Organisation | None:
    value = request.args.get("institution") or None
    if value is None:
        return None
    if not _ID.fullmatch(value):
        abort(400)
    institution = db.session.get(Organisation, int(value))
    if institution is None or not institution.is_institution:
        abort(404)
    return institution


def _day(arg: str) -> date | None:
    value = request.args.get(arg) or None
    if value is None:
        return None
    if not _DAY.fullmatch(value):
        abort(400)
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400)


def _period() -> tuple[queries.board.Period, bool, list[date]]:
    """The period asked for; whether its dates came the wrong way round (then swapped: the
    review of those days is what was meant); the dates ignored, outside the site's window."""
    start, end = _day("du"), _day("au")
    ignored = [day for day in (start, end) if day is not None and not in_calendar(day)]
    start, end = (day if day not in ignored else None for day in (start, end))
    if start and end and start > end:
        return queries.board.Period(end, start), True, ignored
    return queries.board.Period(start, end), False, ignored


def _board(theme: Theme | None, institution: Organisation | None, events: EventFilter) -> dict:
    """Everything, for the export."""
    today = queries.board.paris_today()
    return {
        "today": today,
        "rows": queries.board.institution_rows(theme, institution, today, events=events),
        "workshops": queries.board.workshop_rows(theme, institution, events=events),
        "overdue": queries.board.overdue_items(theme, institution, today, events=events),
        "associations": queries.inversion.association_rows(theme, institution, today, events),
    }


def _event_args(events: EventFilter) -> dict:
    """The event filter as query arguments, to keep it in links."""
    args = {}
    if events.event is not None:
        args["evenement"] = events.event.slug
    if events.year is not None:
        args["annee"] = events.year
    return args


def _filter_args(
    theme: Theme | None, institution: Organisation | None, events: EventFilter
) -> dict:
    args = {}
    if theme is not None:
        args["atelier"] = theme.slug
    if institution is not None:
        args["institution"] = institution.id
    return {**args, **_event_args(events)}


@bp.get("/suivi")
@public_page
def index():
    """Per institution: addressed, answered, awaiting, late; per workshop: by status.

    Institutions and overdue responses come a page at a time; the totals count everything.
    """
    theme, institution = theme_filter("atelier"), _institution_filter()
    events = _events(institution)
    today = queries.board.paris_today()
    institutions = paginate(queries.board.institutions_query(institution, events), ROWS_PER_PAGE)
    totals = queries.board.totals(theme, institution, today, events)
    overdue = paginate(
        queries.board.overdue_query(theme, institution, today, events=events),
        OVERDUE_PER_PAGE,
        arg="retards",
        total=totals["overdue"],  # the same rows, already counted
    )
    late_commitments = paginate(
        queries.board.overdue_commitments_query(theme, institution, today, events),
        COMMITMENTS_PER_PAGE,
        arg="engagements",
        total=totals["commitments_overdue"],  # the same rows, already counted
    )
    themes = queries.proposals.themes_with_counts()
    event_choices, year_choices = queries.network_events.filter_choices()
    return render_template(
        "board/index.html",
        **_put_to_associations(theme, institution, today, events),
        theme=theme,
        institution=institution,
        event_filter=events,
        event_choices=event_choices,
        year_choices=year_choices,
        filters=_filter_args(theme, institution, events),
        # The same without the institution: links to the whole board or to one institution.
        scope_args=_filter_args(theme, None, events),
        themes=themes,
        statuses=list(ProposalStatus),
        today=today,
        institutions=institutions,
        rows=queries.board.institution_rows(theme, institution, today, institutions.items, events),
        totals=totals,
        overdue=overdue,
        overdue_items=[queries.board.overdue_item(item, today) for item in overdue.items],
        late_commitments=late_commitments,
        workshops=queries.board.workshop_rows(theme, institution, [t for t, _n in themes], events),
        board_page_args=PAGE_ARGS,
    )


def _put_to_associations(theme, institution, today, events: EventFilter) -> dict:
    """The institutions' proposals to associations, counted apart: a page of associations
    with their figures, and the totals."""
    associations = paginate(
        queries.inversion.associations_query(theme, institution, events),
        ASSOCIATIONS_PER_PAGE,
        arg="associations",
    )
    return {
        "associations": associations,
        "association_rows": queries.inversion.association_rows(
            theme, institution, today, events, associations.items
        ),
        "association_totals": queries.inversion.totals(theme, institution, today, events),
    }


def _safe_cell(value):
    """Text a spreadsheet would run as a formula is quoted to stay text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_rows(board: dict):
    yield [
        _("Institution"),
        _("Propositions adressées"),
        _("Réponses reçues"),
        _("Réponses attendues"),
        _("Réponses en retard"),
        _("Attente la plus longue (jours)"),
        _("Délai médian de réponse (jours)"),
        _("Engagements à venir"),
        _("Engagements en retard"),
        _("Exemple"),
    ]
    for row in board["rows"]:
        median = row["median_days_to_answer"]
        yield [
            row["institution"].name,
            *(row[key] for key in ("addressed", "answered", "awaiting", "overdue")),
            "" if row["longest_wait_days"] is None else row["longest_wait_days"],
            "" if median is None else format_decimal(median),
            row["commitments_due"],
            row["commitments_overdue"],
            _example_cell(row["institution"]),
        ]
    yield []
    yield [_("Atelier"), *(labels.status_label(s) for s in ProposalStatus), _("Total")]
    for row in board["workshops"]:
        yield [row["theme"].name, *(row["counts"][s] for s in ProposalStatus), row["total"]]
    yield []
    yield [
        _("Réponse en retard : proposition"),
        _("Institution"),
        _("Transmise le"),
        _("Réponse attendue le"),
        _("Jours de retard"),
        _("Personnes concernées"),
        _("Exemple"),
    ]
    for item in board["overdue"]:
        yield [
            item["proposal"].title,
            item["institution"].name,
            item["sent_on"].isoformat(),
            item["due_on"].isoformat(),
            item["days_overdue"],
            item["proposal"].concerned_count,
            _example_cell(item["proposal"], item["institution"]),
        ]
    yield from _association_csv_rows(board["associations"])


def _association_csv_rows(rows: list[dict]):
    """The institutions' proposals to associations, one line per association."""
    yield []
    yield [
        _("Association sollicitée par une institution"),
        _("Type"),
        _("Propositions reçues"),
        _("Réponses données"),
        _("Dont « Nous nous en saisissons »"),
        _("Réponses attendues"),
        _("Réponses en retard"),
        _("Engagements à venir"),
        _("Engagements en retard"),
        _("Exemple"),
    ]
    for row in rows:
        association = row["association"]
        yield [
            association.name,
            labels.kind_label(association.kind),
            *(row[key] for key in ("addressed", "answered", "taken_up", "awaiting", "overdue")),
            row["commitments_due"],
            row["commitments_overdue"],
            _example_cell(association),
        ]


def _example_cell(*items) -> str:
    """Yes when the row shows something invented for the demonstration."""
    return _("oui") if any(item.example for item in items) else ""


@bp.get("/suivi.csv", endpoint="csv")
@public
def export_csv():
    """The whole board as a spreadsheet (UTF-8 with a BOM and semicolons, as Excel expects),
    written out as it is read."""
    theme, institution = theme_filter("atelier"), _institution_filter()
    events = _events(institution)
    board = _board(theme, institution, events)

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        yield "\ufeff"
        for row in _csv_rows(board):
            writer.writerow([_safe_cell(cell) for cell in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    response = Response(stream_with_context(lines()), mimetype="text/csv")
    name = "-".join(["suivi", *map(str, _filter_args(theme, institution, events).values())])
    response.headers.set(
        "Content-Disposition", "attachment", filename=f"{name}-{board['today']}.csv"
    )
    return response


def _chart(chart_id: str, title: str, counts: dict, label) -> dict:
    """A bar chart and the rows of the table that repeats its numbers."""
    rows = [(label(key), n) for key, n in counts.items()]
    svg = charts.horizontal_bar_chart(
        [name for name, _n in rows], [n for _name, n in rows], title=title, chart_id=chart_id
    )
    return {"svg": svg, "rows": rows, "total": sum(counts.values()), "id": chart_id}


def _synthesis_links(theme: Theme | None, events: EventFilter) -> dict[str, list]:
    """Where each list of the synthesis is in full: the board, the proposal list by status,
    or, for the whole network, the summary by workshop that leads to each one's synthesis."""
    workshop = {"atelier": theme.slug} if theme is not None else {}
    workshop.update(_event_args(events))

    def proposals(*statuses: ProposalStatus) -> list:
        return [
            (
                _("Propositions « %(status)s »", status=labels.status_label(status)),
                url_for("proposals.index", statut=status.value, **workshop),
            )
            for status in statuses
        ]

    board = url_for("board.index", **workshop)
    by_workshop = [] if theme is not None else [(_("Par atelier"), "#par-atelier")]
    return {
        "responses": proposals(ProposalStatus.ANSWERED) + by_workshop,
        "status_changes": proposals(ProposalStatus.IN_PROGRESS, ProposalStatus.DONE) + by_workshop,
        "abandoned": proposals(ProposalStatus.ABANDONED) + by_workshop,
        "overdue": [(_("Tableau de suivi"), f"{board}#retards")],
        "put_to_associations": [(_("Tableau de suivi"), f"{board}#aux-associations")],
        "commitments": [(_("Tableau de suivi"), f"{board}#engagements-en-retard"), *by_workshop],
        "proposals": [(_("Propositions"), url_for("proposals.index", **workshop))],
    }


@bp.get("/bilan")
@public_page
def synthesis():
    """The review of a workshop or of the whole network over a period, from live data:
    the first items of each list, with how many more and where they are."""
    theme, events, (period, swapped, ignored) = theme_filter("atelier"), event_filter(), _period()
    today = queries.board.paris_today()
    themes = queries.proposals.themes_with_counts()
    summary = queries.synthesis.workshop_summary(theme, period, [t for t, _n in themes], events)
    totals = queries.synthesis.list_totals(theme, period, today, events)
    status_chart = _chart(
        "graphique-statuts",
        _("Propositions par statut"),
        queries.synthesis.status_counts(summary),
        labels.status_label,
    )
    position_chart = _chart(
        "graphique-positions",
        _("Réponses officielles par position"),
        totals["positions"],
        labels.position_label,
    )
    proposals = None
    if theme is not None:
        proposals = queries.synthesis.workshop_proposals(
            theme, period, today, summary[0]["total"], events
        )
    event_choices, year_choices = queries.network_events.filter_choices()
    return render_template(
        "board/synthesis.html",
        theme=theme,
        period=period,
        period_swapped=swapped,
        ignored_days=ignored,
        calendar_window=(EARLIEST_DAY.year, LATEST_DAY.year),
        period_args=_period_args(period),
        event_filter=events,
        event_args=_event_args(events),
        event_choices=event_choices,
        year_choices=year_choices,
        today=today,
        themes=themes,
        statuses=list(ProposalStatus),
        advances=queries.synthesis.advances(theme, period, totals, events),
        obstacles=queries.synthesis.obstacles(theme, period, today, totals, events),
        summary=summary,
        proposals=proposals,
        next_steps=queries.synthesis.next_steps(theme, today, totals, events),
        put_to_associations=queries.inversion.proposals_put(theme, period, today, events),
        charts=[status_chart, position_chart],
        links=_synthesis_links(theme, events),
        voices=queries.synthesis.voices(period, theme and theme.id, events=events),
        most_concerned=queries.synthesis.most_concerned(theme and theme.id, events),
        featured=queries.synthesis.featured_testimonies(theme and theme.id, events=events),
    )


def _period_args(period: queries.board.Period) -> dict:
    """The period as the synthesis's query arguments, to keep it in links."""
    args = {}
    if period.start is not None:
        args["du"] = period.start.isoformat()
    if period.end is not None:
        args["au"] = period.end.isoformat()
    return args
