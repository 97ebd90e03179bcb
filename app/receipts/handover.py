"""The receipt's code, carried from the guest form to the receipt page for one redirect,
in the session, then forgotten: the code is shown once and kept nowhere else."""

from flask import session

from app.services import receipts
from app.web.links import public_url

SESSION_KEY = "receipt_code"
# The forms (their once-keys) whose code this browser was handed: the answer reached it.
HANDED_KEY, HANDED_KEPT = "receipt_forms", 5


def hand_over(
    code: str | None, proposal_id: int, form_key: str | None = None, replaced: bool = False
) -> None:
    """Keep the new code for the next page (the receipt of this proposal) only; None when
    the form was sent again and its code stays the one shown the first time; ``replaced``
    when the form was sent again and this code replaces that one. ``form_key``: the form
    it was handed for, remembered (the last few) by this browser's session."""
    session[SESSION_KEY] = {"code": code, "proposal_id": proposal_id, "replaced": replaced}
    if code is not None and form_key:
        handed = [key for key in session.get(HANDED_KEY, []) if key != form_key]
        session[HANDED_KEY] = [*handed, form_key][-HANDED_KEPT:]


def handed_over(form_key: str | None) -> bool:
    """Whether this browser was already handed the code of this form: its answer arrived
    (then the code it showed stays the only one)."""
    return bool(form_key) and form_key in session.get(HANDED_KEY, [])


def take(proposal_id: int) -> dict | None:
    """The code to show on this proposal's receipt page, once: {"code", "link", "lookup",
    "replaced"} (the link opens the receipt, the lookup page takes a typed code);
    {"already_sent"} when the form was sent again and the first code stays; or None."""
    kept = session.pop(SESSION_KEY, None)
    if not isinstance(kept, dict) or kept.get("proposal_id") != proposal_id:
        return None
    if kept.get("code") is None:
        return {"already_sent": True}
    code = receipts.normalise(kept.get("code"))
    if code is None:
        return None
    shown = receipts.grouped(code)
    return {
        "code": shown,
        "link": public_url("receipts.show", code=shown),
        "lookup": public_url("receipts.lookup"),
        "replaced": bool(kept.get("replaced")),
    }
