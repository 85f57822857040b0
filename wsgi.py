"""Entry point for gunicorn and `flask --app wsgi`."""

from oocd_panel import create_app

app = create_app()
