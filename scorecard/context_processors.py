from django.conf import settings

from accounts.sso import local_password_allowed
from indicators.rag import Rag
from indicators.roles import OFFICER, has_role, is_performance_team


def council(request):
    """The council's name for every page's header, and the RAG key."""

    user = getattr(request, "user", None)
    can_enter = bool(user and (is_performance_team(user) or has_role(user, OFFICER)))
    return {
        "council_name": settings.COUNCIL_NAME,
        "rag_key": list(Rag),
        "can_enter_returns": can_enter,
        # Those who sign in through the council's identity provider have no password here.
        "has_local_password": bool(user and user.is_authenticated and local_password_allowed(user)),
    }
