"""Tasks the queue tests hand to a real RQ worker: each keeps a log of its attempts in a folder."""

import time
from pathlib import Path

from django_tasks import task

from portal import observability


def _attempt(folder: str) -> int:
    log = Path(folder) / "attempts"
    with log.open("a") as out:
        out.write("start\n")
    return log.read_text().count("start")


def _done(folder: str) -> None:
    with (Path(folder) / "attempts").open("a") as out:
        out.write("done\n")


@task()
def fails_once(folder: str) -> str:
    if _attempt(folder) == 1:
        raise RuntimeError("the first attempt fails")
    _done(folder)
    return "done"


@task()
def hangs_once(folder: str) -> str:
    """The first attempt waits to be killed; the next one finishes."""
    if _attempt(folder) == 1:
        time.sleep(120)
    _done(folder)
    return "done"


@task()
def records_request_id(folder: str) -> None:
    (Path(folder) / "request_id").write_text(observability.request_id())
