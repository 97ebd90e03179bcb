"""Who may do what: every permission of the site, decided in this package and nowhere else.

Views call ``require(...)``; services check the same predicates again; templates get them
through the ``policy`` global so buttons hide by the rule they would be refused by.
One module per area; everything is importable from ``app.policy``.
"""

from app.policy.answer_links import *  # noqa: F403
from app.policy.answer_links import ANSWER_LINKS_PREDICATES
from app.policy.concerns import *  # noqa: F403
from app.policy.concerns import CONCERNS_PREDICATES
from app.policy.core import *  # noqa: F403
from app.policy.core import CORE_PREDICATES
from app.policy.directory import *  # noqa: F403
from app.policy.directory import DIRECTORY_PREDICATES
from app.policy.imports import *  # noqa: F403
from app.policy.imports import IMPORTS_PREDICATES
from app.policy.inbox import *  # noqa: F403
from app.policy.inbox import INBOX_PREDICATES
from app.policy.meetings import *  # noqa: F403
from app.policy.meetings import MEETINGS_PREDICATES
from app.policy.memberships import *  # noqa: F403
from app.policy.memberships import MEMBERSHIPS_PREDICATES
from app.policy.minutes import *  # noqa: F403
from app.policy.minutes import MINUTES_PREDICATES
from app.policy.network_events import *  # noqa: F403
from app.policy.network_events import NETWORK_EVENTS_PREDICATES
from app.policy.onboarding import *  # noqa: F403
from app.policy.onboarding import ONBOARDING_PREDICATES
from app.policy.paper import *  # noqa: F403
from app.policy.paper import PAPER_PREDICATES
from app.policy.privacy import *  # noqa: F403
from app.policy.privacy import PRIVACY_PREDICATES
from app.policy.receipts import *  # noqa: F403
from app.policy.receipts import RECEIPTS_PREDICATES
from app.policy.recorded_responses import *  # noqa: F403
from app.policy.recorded_responses import RECORDED_RESPONSES_PREDICATES
from app.policy.stated_positions import *  # noqa: F403
from app.policy.stated_positions import STATED_POSITIONS_PREDICATES
from app.policy.suggestions import *  # noqa: F403
from app.policy.suggestions import SUGGESTIONS_PREDICATES
from app.policy.translations import *  # noqa: F403
from app.policy.translations import TRANSLATIONS_PREDICATES
from app.policy.translators import *  # noqa: F403
from app.policy.translators import TRANSLATORS_PREDICATES

TEMPLATE_PREDICATES = {
    **ANSWER_LINKS_PREDICATES,
    **CONCERNS_PREDICATES,
    **CORE_PREDICATES,
    **DIRECTORY_PREDICATES,
    **MEETINGS_PREDICATES,
    **MEMBERSHIPS_PREDICATES,
    **MINUTES_PREDICATES,
    **NETWORK_EVENTS_PREDICATES,
    **ONBOARDING_PREDICATES,
    **PAPER_PREDICATES,
    **PRIVACY_PREDICATES,
    **IMPORTS_PREDICATES,
    **STATED_POSITIONS_PREDICATES,
    **SUGGESTIONS_PREDICATES,
    **INBOX_PREDICATES,
    **RECEIPTS_PREDICATES,
    **RECORDED_RESPONSES_PREDICATES,
    **TRANSLATIONS_PREDICATES,
    **TRANSLATORS_PREDICATES,
}
