"""What each job name runs. Apps register their jobs in ``AppConfig.ready``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobSpec:
    name: str
    handler: Callable[..., Any]
    label: str
    actor_name: str = "job-runner"


_jobs: dict[str, JobSpec] = {}


def register_job(name: str, handler: Callable[..., Any], *, label: str, actor_name: str = "job-runner") -> None:
    _jobs[name] = JobSpec(name=name, handler=handler, label=label, actor_name=actor_name)


def job_spec(name: str) -> JobSpec | None:
    return _jobs.get(name)


def label_for(name: str) -> str:
    spec = _jobs.get(name)
    return spec.label if spec else name
