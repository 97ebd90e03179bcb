"""What earlier versions of the 2015 demo loaded that the source does not say, so that
``flask demo load`` on a database holding them brings it to the faithful record
(``app.services.demo``). Only what tells those rows apart: their invented dates, the source
they gave institutions' "positions", the organisations and links the source never named.
Proposals renamed since carry their earlier titles in ``data_2015.PROPOSALS`` (``old_titles``).
"""

from datetime import datetime

# 30 April 2015 at 18:00 and 20 May 2015 at 18:00 in Paris, as stored (naive UTC): the
# invented "sending" of every proposal (its answer due 60 days on) and status change.
INVENTED_SENDING_AT = datetime(2015, 4, 30, 16, 0)
INVENTED_FOLLOW_UP_AT = datetime(2015, 5, 20, 16, 0)
INVENTED_TIMES = (INVENTED_SENDING_AT, INVENTED_FOLLOW_UP_AT)

# The source given to the network's own judgements, once shown as institutions' official
# responses (moved to stated positions by migration 7f5fd2aba7f1).
INVENTED_POSITION_SOURCE = "Position exprimée lors des assises du 30 avril 2015"

# Named nowhere in the source ("les hôpitaux", "l’université" are unnamed): removed when
# nothing else refers to them.
INVENTED_ORGANISATIONS = [
    ("hopitaux-de-metz", "Hôpitaux de Metz"),
    ("universite-de-lorraine", "Université de Lorraine"),
]

# Workshops the directory gave organisations from invented addressees or hosts:
# (organisation slug, theme slug), removed unless the faithful record gives them too.
INVENTED_ORGANISATION_THEMES = [
    ("fondation-abbe-pierre", "hebergement-logement"),
    ("conseil-departemental-moselle", "hebergement-logement"),
    ("conseil-departemental-moselle", "culture-insertion"),
    ("ccas-de-metz", "hebergement-logement"),
    ("caf-moselle", "hebergement-logement"),
]

# The demo accounts named secretary of the June 2015 meetings (the source names nobody),
# and the hosts they were made members of for it: (e-mail, organisation slug).
INVENTED_SECRETARY_MEMBERSHIPS = [
    ("association@demo.voix-solidaires.fr", "maison-diocesaine-de-la-solidarite"),
    ("association@demo.voix-solidaires.fr", "fondation-abbe-pierre"),
]
