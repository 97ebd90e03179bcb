"""The receipt's code, carried from the guest form to the receipt page for one redirect,
in the session, then forgotten: the code is shown once and kept nowhere else."""

from flask import session

from app.services import receipts
from app.web.links import public_url

SESSION_KEY = "receipt_code"


def hand_over(code: str | None, proposal_id: int, replaced: bool = False) -> None:
    """Keep the new code for the next page (the receipt of this proposal) only; None when
    the form was sent again and its code stays the one shown the first time; ``replaced``
    when the form was sent again and this code replaces that one."""
    session[SESSION_KEY] = {"code": code, "proposal_id": proposal_id, "replaced": replaced}


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
