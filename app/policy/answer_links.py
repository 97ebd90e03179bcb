"""Who may answer through an answer link: an organisation's staff without an account.

The link goes only to the organisation's official address, so that address must be
verified; an institution must also have been verified by the network's admins (anyone may
create an institution's page and type any address in it: the admin's check is what makes
its answers official). An association an institution put a proposal to needs no such check.
"""

from app.models import Organisation


def may_answer_through_link(organisation: Organisation) -> bool:
    """A verified official address, and, for an institution, the admin's verification."""
    if not organisation.official_email_verified:
        return False
    return not organisation.is_institution or organisation.verified


ANSWER_LINKS_PREDICATES = {
    "may_answer_through_link": may_answer_through_link,
}
