"""The institution's inbox (``/espace-institution``): what awaits its answer, the
commitments it must keep, the replies under its responses, the proposals of its workshops
addressed to nobody yet. The blueprint is ``app.inbox.views``."""
