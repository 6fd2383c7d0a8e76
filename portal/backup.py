"""Backup and restore: the database and the files people uploaded, in one folder.

A backup folder holds `database.dump` (pg_dump's custom format) or `database.sqlite3` (SQLite's
online backup), `media.tar.gz` (public uploads: images, documents) and `private.tar.gz` (support
attachments and other files only views hand out), and `manifest.json` saying what is inside.
Restoring puts the database into an empty one (`pg_restore --no-owner`) and the files back where
the settings say. Run both with the portal's own settings: `manage.py backup`, `manage.py restore`.
"""

import json
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

FILES = {"media": "MEDIA_ROOT", "private": "PORTAL_PRIVATE_ROOT"}
STORAGE_OF = {"media": "default", "private": "private"}


def local_files() -> dict[str, str]:
    """The file roots kept in local folders; files in a bucket (PORTAL_STORAGE=s3) are backed up by
    the bucket's own versioning or replication, not here."""
    local = ("FileSystemStorage", "PrivateStorage")
    return {
        name: setting
        for name, setting in FILES.items()
        if settings.STORAGES[STORAGE_OF[name]]["BACKEND"].rsplit(".", 1)[-1] in local
    }


class BackupError(Exception):
    """What went wrong, in words for the operator."""


def _postgres_env(params: dict) -> tuple[list[str], dict]:
    """Connection options for pg_dump/pg_restore, and the password through the environment."""
    args = ["-h", str(params.get("HOST") or "127.0.0.1"), "-p", str(params.get("PORT") or 5432)]
    if params.get("USER"):
        args += ["-U", params["USER"]]
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin"}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def backup(target: Path) -> Path:
    """A new backup folder under `target`; returns its path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(target) / f"portal-backup-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    params = connection.settings_dict
    if connection.vendor == "postgresql":
        if not shutil.which("pg_dump"):
            raise BackupError("pg_dump is not installed (Debian: postgresql-client).")
        args, env = _postgres_env(params)
        _run(["pg_dump", *args, "-Fc", "--no-owner", "-f", str(folder / "database.dump"), params["NAME"]], env)
        database = "database.dump"
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / "database.sqlite3") as copy:
            connection.connection.backup(copy)  # SQLite's online backup: consistent while in use
        database = "database.sqlite3"
    else:
        raise BackupError(f"No backup for {connection.vendor} databases.")
    for name, setting in local_files().items():
        root = Path(getattr(settings, setting))
        with tarfile.open(folder / f"{name}.tar.gz", "w:gz") as archive:
            if root.exists():
                archive.add(root, arcname=".")
    manifest = {
        "created": stamp,
        "vendor": connection.vendor,
        "database": database,
        "files": sorted(local_files()),
        "files_in_object_storage": sorted(set(FILES) - set(local_files())),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return folder


def restore(source: Path, *, database: dict, files: dict[str, Path] | None = None) -> None:
    """Restore a backup folder into an empty `database` (Django DATABASES settings) and the file roots
    (`files`: media/private → folder; the settings' roots unless given)."""
    source = Path(source)
    manifest = json.loads((source / "manifest.json").read_text())
    if manifest["vendor"] == "postgresql":
        args, env = _postgres_env(database)
        _run(["pg_restore", *args, "--no-owner", "--exit-on-error", "-d", database["NAME"],
              str(source / manifest["database"])], env)  # fmt: skip
    else:
        shutil.copyfile(source / manifest["database"], database["NAME"])
    for name in manifest["files"]:
        root = Path((files or {}).get(name) or getattr(settings, FILES[name]))
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / f"{name}.tar.gz", "r:gz") as archive:
            archive.extractall(root, filter="data")  # no paths outside the root, no devices
