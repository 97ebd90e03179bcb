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
    """A page of a statement that gives each row the total as its last column (a window
    count) and takes ``limit`` and ``offset`` as parameters: one query for both."""

    def _rows(self, limit: int, offset: int) -> list:
        params = {**self._query_args["params"], "limit": limit, "offset": offset}
        return self._query_args["session"].execute(self._query_args["select"], params).all()

    def _query_items(self) -> list:
        rows = self._rows(self.per_page, self._query_offset)
        self._counted = rows[0][-1] if rows else None
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        if self._counted is None and self.page > 1:  # past the last page: the first row
            rows = self._rows(1, 0)
            self._counted = rows[0][-1] if rows else None
        return self._counted or 0


def paginate_counted(counted, params: dict, per_page: int, arg: str = "page"):
    """One page of ``counted`` with its total, in one query (two past the last page).

    ``counted`` selects one entity, then its total as a window count, with ``limit`` and
    ``offset`` as bind parameters (queries.contributions.counted_contributions); ``params``
    are its other parameters. For the short lists of one object only, a proposal's
    testimonies say: the count reads every matching row, where a long list's page would
    read only its own."""
    return _CountedPagination(
        select=counted, params=params, session=db.session(), page=page_number(arg),
        per_page=per_page, error_out=False, count=True,
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
