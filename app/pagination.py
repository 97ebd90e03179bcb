"""Page-number parsing shared by every paginated page."""

from flask import abort, request

from app.extensions import db


def page_number(arg: str = "page") -> int:
    """A page-number query argument; anything but a positive integer is a bad request."""
    page = request.args.get(arg, "1")
    # isascii(): "²" and "١" are digits to isdigit() but not to int().
    if not (page.isascii() and page.isdigit()) or not 1 <= int(page) <= 100_000:
        abort(400)
    return int(page)


def paginate(query, per_page: int, arg: str = "page", total: int | None = None):
    """One page of a select, with the total (two queries, whatever the size).

    A caller that has already counted the rows gives ``total``, and saves the count query.
    """
    page = db.paginate(
        query, page=page_number(arg), per_page=per_page, error_out=False, count=total is None
    )
    if total is not None:
        page.total = total
    return page
