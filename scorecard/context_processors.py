from django.conf import settings

from indicators.rag import Rag


def council(request):
    """The council's name for every page's header, and the RAG key."""
    return {"council_name": settings.COUNCIL_NAME, "rag_key": list(Rag)}
