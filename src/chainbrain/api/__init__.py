"""The web app: a FastAPI JSON API under ``/api/v1`` and the built Vue front end.

``create_app(ApiSettings(db=...))`` builds it; ``chainbrain serve`` runs it with uvicorn.
"""

from chainbrain.api.app import API_PREFIX, create_app
from chainbrain.api.settings import ApiSettings

__all__ = ["API_PREFIX", "ApiSettings", "create_app"]
