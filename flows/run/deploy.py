"""`kunci deploy`: many workspaces as Prefect deployments on one process work pool.

Each workspace (its own `kunci.toml` and DuckDB file) gets the deployments of `prefect.yaml`,
named after it (`nightly-<workspace>`), with its configuration and database as absolute
parameters. The workers of the pool run them side by side: different workspaces never share a
file, and each deployment keeps `prefect.yaml`'s concurrency limit, so one workspace never runs
two writers (its writer lock would refuse the second anyway). The flows are imported by module
path from this checkout on the worker's machine (`working_dir` and `PYTHONPATH` point at it), so
every machine of the pool needs the same checkout and sees the workspace paths (a shared disk or
the same layout); credentials come from each worker's environment, never from the deployment.
"""

import re
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import ObjectAlreadyExists
from prefect.schedules import Cron
from prefect.settings import get_current_settings
from prefect.types.entrypoint import EntrypointType

from flows.config.settings import REPO_ROOT, load_settings
from flows.run.serve import read_specs
from transforms.errors import InputError


@dataclass(frozen=True)
class Workspace:
    """One workspace to deploy: its configuration, its published database, its slug."""

    config: Path
    db: Path
    slug: str


def workspace(config: Path, db: Path | None = None) -> Workspace:
    """The workspace of `config`; its database defaults to `data/kunci.duckdb` beside it."""
    settings = load_settings(str(config))
    slug = re.sub(r"[^a-z0-9]+", "-", settings.name.lower()).strip("-") or "workspace"
    database = db if db is not None else config.parent / "data" / "kunci.duckdb"
    return Workspace(config.resolve(), database.resolve(), slug)


def deployments(workspaces: Sequence[Workspace], pool: str) -> list[RunnerDeployment]:
    """Every `prefect.yaml` deployment for every workspace, bound to the pool `pool`."""
    slugs = [w.slug for w in workspaces]
    twice = sorted({s for s in slugs if slugs.count(s) > 1})
    if twice:
        raise InputError(f"two workspaces are named {', '.join(twice)}: give each a distinct name")
    job = {"working_dir": str(REPO_ROOT), "env": {"PYTHONPATH": str(REPO_ROOT)}}
    built = []
    for place in workspaces:
        paths = {"db": str(place.db), "config": str(place.config)}
        for spec in read_specs():
            built.append(
                RunnerDeployment.from_flow(
                    spec.load_flow(),
                    name=f"{spec.name}-{place.slug}",
                    description=spec.description,
                    tags=[*spec.tags, place.slug],
                    parameters={k: paths.get(k, v) for k, v in spec.parameters.items()},
                    schedules=[Cron(cron, timezone=zone) for cron, zone in spec.schedules],
                    concurrency_limit=spec.concurrency_limit,
                    entrypoint_type=EntrypointType.MODULE_PATH,
                    work_pool_name=pool,
                    job_variables=job,
                )
            )
    return built


def deploy(workspaces: Sequence[Workspace], pool: str) -> list[str]:
    """Create the process pool if missing, register the deployments; their `flow/name`s."""
    if not get_current_settings().api.url:
        raise InputError(
            "PREFECT_API_URL is not set: start a server (prefect server start --host 127.0.0.1) "
            "and export PREFECT_API_URL=http://127.0.0.1:4200/api, or log in to Prefect Cloud"
        )
    with get_client(sync_client=True) as client, suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=pool, type="process"))  # else used as it is
    names = []
    for deployment in deployments(workspaces, pool):
        deployment.apply(work_pool_name=pool)
        names.append(deployment.full_name)
    return names
