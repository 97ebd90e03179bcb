"""Open data: the page that lists every public dataset, and each one as CSV or JSON,
streamed as it is read (app/queries/opendata.py reads it by batches)."""

from flask import Blueprint, Response, abort, current_app, render_template, stream_with_context
from flask_babel import lazy_gettext as _l

from app import queries
from app.models import paris_today, utcnow
from app.opendata import formats
from app.web.routes import public, public_page

bp = Blueprint("opendata", __name__)

PUBLISHER = "Voix solidaires"
FILE_PREFIX = "voix-solidaires"

# What each dataset holds, in the page's order (the names are those of the addresses).
DESCRIPTIONS = {
    "propositions": _l(
        "Les propositions du réseau : texte, résumé facile à lire, atelier, statut, "
        "association qui la porte, événement d’où elle vient."
    ),
    "positions-rapportees": _l(
        "Ce que des institutions ont dit d’une proposition ailleurs que sur le site (aux "
        "assises, en réunion), avec les mots de la source qui le rapporte. Ce ne sont pas "
        "des réponses officielles."
    ),
    "reponses": _l(
        "Les réponses officielles des institutions, publiées sur le site ou reçues par "
        "courrier, e-mail ou en réunion : position, texte, façon dont elles ont été reçues, "
        "dates."
    ),
    "engagements": _l(
        "Les engagements pris dans les réponses officielles : action, échéance, état d’avancement."
    ),
    "evenements": _l(
        "Les événements du réseau (assises, journées thématiques) et leur bilan : avancées, "
        "freins, suite à donner."
    ),
    "reunions": _l(
        "Les réunions des groupes de travail et les journées thématiques, annulées comprises "
        "(colonne cancelled)."
    ),
    "organisations": _l(
        "L’annuaire : associations, associations prestataires et institutions, avec ce que "
        "montre leur page."
    ),
}
TITLES = {
    "propositions": _l("Propositions"),
    "positions-rapportees": _l("Positions d’institutions rapportées"),
    "reponses": _l("Réponses officielles"),
    "engagements": _l("Engagements"),
    "evenements": _l("Événements et leurs bilans"),
    "reunions": _l("Réunions"),
    "organisations": _l("Organisations"),
}


def _licence() -> dict:
    config = current_app.config
    return {"name": config["OPEN_DATA_LICENCE_NAME"], "url": config["OPEN_DATA_LICENCE_URL"]}


@bp.get("/donnees")
@public_page
def index():
    """Every public dataset: what it holds, its columns, its CSV and JSON files."""
    datasets = [
        {
            "name": name,
            "title": TITLES[name],
            "description": description,
            "columns": queries.opendata.dataset(name).columns,
        }
        for name, description in DESCRIPTIONS.items()
    ]
    return render_template(
        "opendata/index.html",
        datasets=datasets,
        licence=_licence(),
        publisher=PUBLISHER,
        separator=formats.LIST_SEPARATOR,
    )


def _download(name: str, extension: str, mimetype: str, body) -> Response:
    """A streamed file, named after the site, the dataset and the day, with its licence."""
    response = Response(stream_with_context(body), mimetype=mimetype)
    disposition = "attachment" if extension == "csv" else "inline"
    filename = f"{FILE_PREFIX}-{name}-{paris_today().isoformat()}.{extension}"
    response.headers.set("Content-Disposition", disposition, filename=filename)
    response.headers["Link"] = f'<{_licence()["url"]}>; rel="license"'
    return response


@bp.get("/donnees/<dataset>.csv", endpoint="csv")
@public
def export_csv(dataset: str):
    """One dataset as CSV (comma-separated, UTF-8 with a BOM), written as it is read."""
    found = queries.opendata.dataset(dataset) or abort(404)
    body = formats.csv_lines(found.columns, queries.opendata.rows(found))
    return _download(dataset, "csv", "text/csv", body)


@bp.get("/donnees/<dataset>.json", endpoint="json")
@public
def export_json(dataset: str):
    """One dataset as JSON, its licence and export time first, written as it is read."""
    found = queries.opendata.dataset(dataset) or abort(404)
    envelope = {
        "dataset": dataset,
        "publisher": PUBLISHER,
        "licence": _licence(),
        "exported_at": formats.plain(utcnow()),
        "columns": found.columns,
    }
    body = formats.json_pieces(envelope, queries.opendata.rows(found))
    return _download(dataset, "json", "application/json", body)
