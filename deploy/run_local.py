"""The production-shaped stack on this machine, in the foreground: `deploy/run-local`.

nginx (deploy/nginx.conf, on PORT) in front of gunicorn (storyhub/gunicorn_conf.py) and the
outbox sender (`flask outbox send --loop`). Ctrl-C or SIGTERM stops all three; if one of them
stops on its own, the others are stopped too and the exit status says so. No root needed:
nginx runs with a prefix in the state directory (`RUN_LOCAL_DIR`, default
instance/run-local/), from the same deploy/nginx.conf a server uses, its production values
swapped for local ones (see render_site_conf).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
SITE_CONF = ROOT / "deploy" / "nginx.conf"
STARTUP_SECONDS = 60


class StackError(RuntimeError):
    """A part of the stack could not start or stopped: the message says which and why."""


@dataclass(frozen=True)
class Settings:
    port: int
    bind: str  # gunicorn's address, behind nginx
    public_url: str
    state_dir: Path
    env: dict[str, str]
    outbox_interval: int

    @classmethod
    def from_environment(cls, environ: dict[str, str]) -> Settings:
        port_text = environ.get("PORT") or "8080"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise StackError(f"PORT={port_text!r} is not a port number.")
        port = int(port_text)
        state_dir = Path(environ.get("RUN_LOCAL_DIR") or ROOT / "instance" / "run-local")
        state_dir.mkdir(parents=True, exist_ok=True)
        env = dict(environ)
        # The README's defaults: production settings, SQLite in instance/, no Redis.
        env.setdefault("STORYHUB_CONFIG", "production")
        # localhost: browsers keep production's Secure cookies over plain http only there.
        env.setdefault("PUBLIC_URL", f"http://localhost:{port}")
        env.setdefault("PROXY_HOPS", "1")
        if not env.get("SECRET_KEY"):
            env["SECRET_KEY"] = _local_secret_key(state_dir)
        bind = env.get("BIND") or f"127.0.0.1:{free_port()}"
        env["BIND"] = bind
        interval = environ.get("OUTBOX_INTERVAL") or "30"
        if not interval.isdigit() or int(interval) < 1:
            raise StackError(f"OUTBOX_INTERVAL={interval!r} is not a number of seconds.")
        return cls(port, bind, env["PUBLIC_URL"].rstrip("/"), state_dir, env, int(interval))


def _local_secret_key(state_dir: Path) -> str:
    """A key kept in the state directory, so sessions survive a restart of the local stack.
    (A server sets SECRET_KEY in its environment file instead.)"""
    path = state_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_site_conf(template: str, settings: Settings) -> str:
    """deploy/nginx.conf with its production values replaced by this machine's: every one
    must be found, so the local stack always runs the file a server would use."""
    netloc = urlsplit(settings.public_url).netloc
    replacements = [
        # Locally the site answers on one port whatever the Host (the catch-all server gets
        # a socket nobody calls); the Host passed upstream stays pinned.
        ("listen 80 default_server;", f"listen unix:{settings.state_dir}/catch-all.sock;"),
        ("listen 80;", f"listen 127.0.0.1:{settings.port} default_server;"),
        ("server_name storyhub.example.org;", "server_name _;"),
        ("proxy_set_header Host storyhub.example.org;", f"proxy_set_header Host {netloc};"),
        ("server 127.0.0.1:8000;", f"server {settings.bind};"),
        ("/var/cache/nginx/storyhub", str(settings.state_dir / "cache")),
        ("/var/log/nginx/storyhub.access.log", str(settings.state_dir / "nginx-access.log")),
        ("/var/log/nginx/storyhub.error.log", str(settings.state_dir / "nginx-error.log")),
        ("/srv/storyhub", str(ROOT)),
    ]
    for production, local in replacements:
        if production not in template:
            raise StackError(f"deploy/nginx.conf no longer contains {production!r}.")
        template = template.replace(production, local)
    return template


def render_main_conf(settings: Settings, site_conf: Path) -> str:
    """A minimal nginx.conf around the site file: everything nginx writes stays in the
    state directory, and it stays in the foreground."""
    state = settings.state_dir
    # Started by root, nginx's workers would switch to `nobody` and could not write the
    # cache in the state directory; a server's nginx has its own user (www-data).
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""# Written by deploy/run-local; edit deploy/nginx.conf instead.
{user}worker_processes 1;
daemon off;
pid {state}/nginx.pid;
error_log {state}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    client_body_temp_path {state}/tmp/body;
    proxy_temp_path {state}/tmp/proxy;
    fastcgi_temp_path {state}/tmp/fastcgi;
    uwsgi_temp_path {state}/tmp/uwsgi;
    scgi_temp_path {state}/tmp/scgi;
    include {site_conf};
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if not found:
        raise StackError(
            "nginx is not installed. Install Debian's nginx (`make nginx`, or "
            "`sudo apt-get install nginx`) and run deploy/run-local again."
        )
    return found


def prepare_nginx(settings: Settings) -> list[str]:
    """Write the configuration, check it with `nginx -t`, return the command that runs it."""
    nginx = nginx_binary()
    state = settings.state_dir
    for sub in ("cache", "tmp", "logs"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    site = state / "storyhub-site.conf"
    site.write_text(render_site_conf(SITE_CONF.read_text(), settings))
    main = state / "nginx.conf"
    main.write_text(render_main_conf(settings, site))
    command = [nginx, "-p", str(state), "-c", str(main), "-e", str(state / "nginx-error.log")]
    check = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    if check.returncode != 0:
        raise StackError(f"nginx refused the configuration ({main}):\n{check.stderr.strip()}")
    return command


def _venv_bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Stack:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.stopping = False

    def start(self, name: str, command: list[str]) -> None:
        # Own session: Ctrl-C reaches run-local only, which stops the children in order.
        self.children[name] = subprocess.Popen(
            command, env=self.settings.env, cwd=ROOT, start_new_session=True
        )

    def wait_for(self, name: str, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            status = self.children[name].poll()
            if status is not None:
                raise StackError(f"{name} exited with status {status} while starting. {what}")
            if ready():
                return
            time.sleep(0.2)
        raise StackError(f"{name} did not become ready in {STARTUP_SECONDS} s. {what}")

    def stop(self) -> None:
        self.stopping = True
        # nginx first (no new requests), then gunicorn finishes what it holds, then the sender.
        for name in ("nginx", "gunicorn", "outbox"):
            child = self.children.get(name)
            if child and child.poll() is None:
                child.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        for child in self.children.values():
            try:
                child.wait(timeout=25)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    def supervise(self) -> int:
        """Wait until a signal asks to stop (0), or until a child exits on its own (1)."""
        while not self.stopping:
            for name, child in self.children.items():
                status = child.poll()
                if status is not None and not self.stopping:
                    print(
                        f"run-local: {name} stopped on its own (status {status}); "
                        f"stopping the rest. {self.log_hint(name)}",
                        file=sys.stderr,
                        flush=True,
                    )
                    self.stop()
                    return 1
            time.sleep(0.3)
        return 0

    def log_hint(self, name: str) -> str:
        if name == "nginx":
            return f"See {self.settings.state_dir / 'nginx-error.log'}."
        return "See its messages above."


def run(environ: dict[str, str]) -> int:
    settings = Settings.from_environment(environ)
    nginx_command = prepare_nginx(settings)
    flask = [_venv_bin("flask"), "--app", "wsgi"]
    upgrade = subprocess.run([*flask, "db", "upgrade"], env=settings.env, cwd=ROOT)
    if upgrade.returncode != 0:
        raise StackError("`flask db upgrade` failed (see above): is DATABASE_URL right?")

    stack = Stack(settings)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if not stack.stopping:
            print(f"run-local: {signal.Signals(signum).name}, stopping.", file=sys.stderr)
            stack.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        gunicorn = [
            _venv_bin("gunicorn"),
            "-c",
            "python:storyhub.gunicorn_conf",
            # Its own control socket, so several local stacks (and a system one) can run.
            "--control-socket",
            str(settings.state_dir / "gunicorn.ctl"),
            # One line per request with the client's address as the app sees it (after the
            # proxy headers), the method, status and time: no path, which may hold a token.
            "--access-logfile",
            "-",
            "--access-logformat",
            '%(h)s %(t)s "%(m)s" %(s)s %(L)ss',
            "wsgi:app",
        ]
        stack.start("gunicorn", gunicorn)
        stack.wait_for(
            "gunicorn",
            lambda: _answers(f"http://{settings.bind}/healthz"),
            "Its messages are above.",
        )
        stack.start("nginx", nginx_command)
        stack.wait_for(
            "nginx",
            lambda: _answers(f"http://127.0.0.1:{settings.port}/healthz"),
            f"Is port {settings.port} free? See {settings.state_dir / 'nginx-error.log'}.",
        )
        stack.start(
            "outbox",
            [*flask, "outbox", "send", "--loop", "--interval", str(settings.outbox_interval)],
        )
    except StackError:
        stack.stop()
        raise
    print(
        f"run-local: storyhub on http://127.0.0.1:{settings.port} (nginx) → gunicorn on "
        f"{settings.bind}; outbox sender every {settings.outbox_interval} s; "
        f"PUBLIC_URL={settings.public_url}; logs and cache in {settings.state_dir}. "
        "Ctrl-C stops everything.",
        flush=True,
    )
    return stack.supervise()


def main() -> int:
    try:
        return run(dict(os.environ))
    except StackError as error:
        print(f"run-local: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
