"""A bare Flask app: the reference for the feed endpoints' throughput under gunicorn."""

from flask import Flask, Response

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return "ok"


@app.get("/bare")
def bare():
    return Response(status=304, headers={"ETag": '"bench"'})
