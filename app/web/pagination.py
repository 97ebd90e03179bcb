"""Page-number parsing and page links shared by every paginated page."""

from collections.abc import Iterable

import sqlalchemy as sa
from flask import abort, request
from flask_sqlalchemy.pagination import SelectPagination

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


class _RowPagination(SelectPagination):
    """A page of rows of several columns (``db.paginate`` keeps the first column only)."""

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())

    def _query_count(self) -> int:
        counted = self._query_args["select"].order_by(None).subquery()
        return self._query_args["session"].scalar(sa.select(sa.func.count()).select_from(counted))


class _CountedPagination(SelectPagination):
    """A page of a select whose total comes with its rows, as a window count: one query
    for both. The count reads every row that matches, as a count query would; the rows
    are then cut to the page."""

    def _query_items(self) -> list:
        select = self._query_args["select"].add_columns(sa.func.count().over())
        rows = self._query_args["session"].execute(
            select.limit(self.per_page).offset(self._query_offset)
        )
        rows = rows.unique().all()
        self._counted = rows[0][-1] if rows else None
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        if self.page == 1:  # no row at all
            return 0
        return super()._query_count()  # past the last page: the rows give no total


def paginate_counted(query, per_page: int, arg: str = "page"):
    """One page of a select of one entity with its total, in one query (two only past the
    last page). For the short lists of one object, a proposal's testimonies say: the window
    count reads every matching row, where a long list's page would read only its own."""
    return _CountedPagination(
        select=query, session=db.session(), page=page_number(arg), per_page=per_page,
        error_out=False, count=True,
    )  # fmt: skip


def paginate_rows(query, per_page: int, arg: str = "page"):
    """One page of a select of columns (a union, say), with the total: two queries."""
    return _RowPagination(
        select=query, session=db.session(), page=page_number(arg), per_page=per_page,
        error_out=False, count=True,
    )  # fmt: skip


def link_values(keep: Iterable[str], **values) -> dict:
    """The ``url_for`` values of a link to another page of the current list.

    The route's own values, then only the list's known filters (``keep``) found in the query
    string, then ``values``. Never the query string as a whole: ``endpoint``, ``_method``,
    ``_scheme`` or ``_external`` there are ``url_for``'s own arguments and break it.
    """
    args = dict(request.view_args or {})
    kept = set(keep)
    for name, value in request.args.items():  # in the query string's order
        if name in kept and value and name not in args:
            args[name] = value
    args.update(values)
    return args
