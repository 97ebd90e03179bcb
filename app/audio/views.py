"""The recordings of spoken testimonies, streamed in pieces from the database or from
AUDIO_DIRECTORY: to everyone once published, to moderators before (the converted file when
ready, else the original)."""

from flask import Blueprint, Response, abort, request, stream_with_context
from flask_login import current_user, login_required

from app import policy, queries
from app.queries.audio import Playable
from app.services import audio as audio_service
from app.web.routes import private, public

bp = Blueprint("audio", __name__)
# An upload's temporary file never outlives its request, refused or saved.
bp.teardown_app_request(audio_service.remove_temp_files)


@bp.get("/contributions/<int:contribution_id>/audio")
@public
def published(contribution_id: int):
    """A published testimony's recording; 404 once it is withdrawn, hidden or refused."""
    playable = queries.audio.published_audio(contribution_id) or abort(404)
    return _streamed(playable)


@bp.get("/moderation/contributions/<int:contribution_id>/audio")
@private
@login_required
def for_moderators(contribution_id: int):
    """What a moderator listens to before deciding (and writing the transcript); nothing
    once the testimony is withdrawn (its recording is deleted then anyway)."""
    contribution = queries.audio.contribution_with_audio(contribution_id) or abort(404)
    policy.require(policy.can_moderate(current_user, contribution))
    if contribution.is_withdrawn:
        abort(404)
    recording = contribution.audio or abort(404)
    return _streamed(queries.audio.moderators_audio(recording) or abort(404))


def _streamed(playable: Playable) -> Response:
    """The bytes, whole or the one range asked (phones seek with ranges), never loaded
    whole: read in pieces as they are sent."""
    etag = playable.version
    if request.if_none_match.contains(etag):
        return _headers(Response(status=304), etag)
    start, stop = 0, playable.size
    wanted = _one_range(etag)
    if wanted is not None:
        bounds = _bounds(wanted, playable.size)
        if bounds is None:
            refused = _headers(Response(status=416), etag)
            refused.headers["Content-Range"] = f"bytes */{playable.size}"
            return refused
        start, stop = bounds
    body = [] if request.method == "HEAD" else queries.audio.audio_pieces(playable, start, stop)
    answer = Response(
        stream_with_context(body) if body else body,
        status=206 if wanted is not None else 200,
        mimetype=playable.media_type,
    )
    answer.headers["Content-Length"] = str(stop - start)
    if wanted is not None:
        answer.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{playable.size}"
    return _headers(answer, etag)


def _bounds(wanted, size: int) -> tuple[int, int] | None:
    """Where the range starts and stops in a file of ``size`` bytes; None when it cannot
    be met. A suffix longer than the file is the whole file (RFC 9110 §14.1.2), which
    werkzeug refuses."""
    [(start, stop)] = wanted.ranges
    if stop is None and start < 0 and size > 0:
        return max(size + start, 0), size
    return wanted.range_for_length(size)


def _one_range(etag: str):
    """The single byte range asked, if any (several ranges, or an If-Range that no longer
    matches: the whole file)."""
    wanted = request.range
    if wanted is None or wanted.units != "bytes" or len(wanted.ranges) != 1:
        return None
    if_range = request.if_range
    if if_range.etag is not None and if_range.etag != etag:
        return None
    if if_range.date is not None:
        return None
    return wanted


def _headers(answer: Response, etag: str) -> Response:
    answer.set_etag(etag)
    answer.headers["Accept-Ranges"] = "bytes"
    answer.headers["X-Content-Type-Options"] = "nosniff"
    # Asked again each time: a withdrawn testimony stops playing at once.
    answer.headers["Cache-Control"] = "no-cache"
    return answer
