"""`kunci serve`: the deployments of `prefect.yaml`, served from this process on their schedules.

`prefect.yaml` is the one description of the deployments (names, entrypoints, schedules, default
parameters). `prefect deploy --all` registers it for the workers of a work pool; serving runs the
same deployments from one long-running process without a work pool, the simplest way to keep the
nightly schedule on one machine against a Prefect server. The database and configuration given
to `kunci serve` replace the file's defaults as absolute paths, so a flow run does not depend on
the folder the runner starts it in. Scheduling needs a server that outlives this process, so
serving refuses to start without `PREFECT_API_URL`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML comes with Prefect, without type stubs
from prefect import serve as prefect_serve
from prefect.deployments.runner import RunnerDeployment
from prefect.flows import Flow, load_flow_from_entrypoint
from prefect.schedules import Cron
from prefect.settings import get_current_settings
from prefect.types.entrypoint import EntrypointType

from flows.config.settings import REPO_ROOT, config_path
from transforms.errors import InputError

PREFECT_YAML = REPO_ROOT / "prefect.yaml"


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment as `prefect.yaml` declares it."""

    name: str
    entrypoint: str
    description: str
    tags: tuple[str, ...]
    parameters: dict[str, Any]
    schedules: tuple[tuple[str, str], ...]  # (cron, timezone)
    concurrency_limit: int | None

    def load_flow(self) -> Flow[..., Any]:
        """Import the flow by module path (`flows/run/nightly.py:f` is `flows.run.nightly:f`)."""
        path, _, name = self.entrypoint.partition(":")
        module = path.removesuffix(".py").replace("/", ".")
        return load_flow_from_entrypoint(f"{module}:{name}", use_placeholder_flow=False)


def read_specs(path: Path = PREFECT_YAML) -> list[DeploymentSpec]:
    """The deployments declared in `prefect.yaml`."""
    declared = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        DeploymentSpec(
            name=str(entry["name"]),
            entrypoint=str(entry["entrypoint"]),
            description=str(entry.get("description", "")),
            tags=tuple(entry.get("tags", ())),
            parameters=dict(entry.get("parameters", {})),
            schedules=tuple(
                (str(s["cron"]), str(s["timezone"])) for s in entry.get("schedules", ())
            ),
            concurrency_limit=entry.get("concurrency_limit"),
        )
        for entry in declared["deployments"]
    ]


def deployments(db: Path, config: str | None, names: Sequence[str] = ()) -> list[RunnerDeployment]:
    """The declared deployments (or those named), with this database and configuration."""
    specs = read_specs()
    unknown = sorted(set(names) - {s.name for s in specs})
    if unknown:
        known = ", ".join(s.name for s in specs)
        raise InputError(f"no deployment {', '.join(unknown)} in {PREFECT_YAML} (known: {known})")
    paths = {"db": str(db.resolve())}
    found = config_path(config)
    if found is not None:  # else the declared default, so a run without one fails loudly
        paths["config"] = str(found.resolve())
    return [
        RunnerDeployment.from_flow(
            spec.load_flow(),
            name=spec.name,
            description=spec.description,
            tags=list(spec.tags),
            parameters={k: paths.get(k, v) for k, v in spec.parameters.items()},
            schedules=[Cron(cron, timezone=zone) for cron, zone in spec.schedules],
            concurrency_limit=spec.concurrency_limit,
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        for spec in specs
        if not names or spec.name in names
    ]


def serve(db: Path, config: str | None = None, names: Sequence[str] = ()) -> None:
    """Serve the deployments until interrupted; one flow run at a time, as they share one file."""
    if not get_current_settings().api.url:
        raise InputError(
            "PREFECT_API_URL is not set: start a server (prefect server start --host 127.0.0.1) "
            "and export PREFECT_API_URL=http://127.0.0.1:4200/api, or log in to Prefect Cloud"
        )
    prefect_serve(*deployments(db, config, names), limit=1)
