"""The API's one blueprint, which every module of app/api adds its routes to."""

from flask import Blueprint, current_app

from app.api.languages import say_language
from app.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
# Every API route, per address; a refusal is a JSON 429 with Retry-After (app/web/errors.py).
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(bp)
bp.after_request(say_language)
