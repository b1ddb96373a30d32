"""A bare Flask hello-world: the baseline bench/run.py measures under the same gunicorn
settings as storyhub, so every figure is a ratio to what Flask itself costs here."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, World!"
