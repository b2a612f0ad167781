"""Every ``actor`` parameter has a real type (``ecm.core.actors.Actor``, ``User`` ...), never none,
``Any`` or ``object``: mypy then checks what each service does with whoever acts (issue 15)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNTYPED = {"Any", "object"}


def untyped_actors(source: str, name: str) -> list[str]:
    """``name:line`` of each function parameter called ``actor`` that is unannotated or names ``Any``/``object``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        arguments = node.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            if arg.arg != "actor":
                continue
            names = set()
            if arg.annotation is not None:
                names = {n.id for n in ast.walk(arg.annotation) if isinstance(n, ast.Name)}
                names |= {n.attr for n in ast.walk(arg.annotation) if isinstance(n, ast.Attribute)}
                strings = [n.value for n in ast.walk(arg.annotation) if isinstance(n, ast.Constant)]
                names |= {word for text in strings if isinstance(text, str) for word in re.findall(r"\w+", text)}
            if arg.annotation is None or names & UNTYPED:
                shown = ast.unparse(arg.annotation) if arg.annotation is not None else "no annotation"
                found.append(f"{name}:{arg.lineno} actor: {shown}")
    return found


def test_every_actor_parameter_is_typed():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        offenders += untyped_actors(path.read_text(), str(path.relative_to(ROOT.parent)))
    assert offenders == [], "Type these as Actor (ecm.core.actors) or User:\n" + "\n".join(offenders)


def test_the_check_names_each_untyped_actor():
    source = (
        "from typing import Any\n"
        "def a(*, actor: Any) -> None: ...\n"
        "def b(actor, child): ...\n"
        "def c(*, actor: object = None): ...\n"
        "def d(*, actor: Any | None = None): ...\n"
        "def e(*, actor: 'typing.Any'): ...\n"
        "f = lambda actor: actor\n"
        "def g(*, actor: Actor, user: Any) -> None: ...\n"
        "def h(*, actor: Actor | None = None, actor_id: Any = None) -> None: ...\n"
        "def i(*, actor: str = '') -> None: ...\n"
    )
    assert untyped_actors(source, "x.py") == [
        "x.py:2 actor: Any",
        "x.py:3 actor: no annotation",
        "x.py:4 actor: object",
        "x.py:5 actor: Any | None",
        "x.py:6 actor: 'typing.Any'",
        "x.py:7 actor: no annotation",
    ]
