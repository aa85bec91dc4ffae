"""The embedded PostgreSQL that serves when DATABASE_URL is unset.

pgserver ships real PostgreSQL binaries in a wheel. The server is shared by every
process of the project that asks for it (they are counted in its data directory) and
stops when the last one exits.
"""

import warnings
from pathlib import Path

EMBEDDED_DATABASE_NAME = "statements"


def embedded_database_settings(data_dir: Path, name: str = EMBEDDED_DATABASE_NAME):
    """Start (or join) the embedded server and return a Django DATABASES entry."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers).
            warnings.simplefilter("ignore")
            import pgserver
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "DATABASE_URL is unset and the embedded PostgreSQL (pgserver) is not "
            "installed. Set DATABASE_URL or install the 'embedded' extra."
        ) from exc

    data_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = pgserver.get_server(data_dir)
    info = server.get_postmaster_info()
    host = str(info.socket_dir) if info.socket_dir else "127.0.0.1"
    port = str(info.port or "")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": host,
        "PORT": port,
    }


def release_embedded_server(data_dir: Path) -> None:
    """Give up this process's handle on the embedded server, and those of dead ones.

    pgserver counts the processes that use a server by pid in its data directory
    and stops it when the last one exits normally; a process killed by a signal
    stays on the list and kept the server running for good.
    """
    import psutil

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(data_dir)
    with server._lock:
        handles = server.global_process_id_list
        handles.put([pid for pid in handles.get() if psutil.pid_exists(pid)])
    server.cleanup()
