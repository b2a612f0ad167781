"""Exported chain heads, and ``verify_audit --against`` catching a chain rewritten from scratch."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ecm.audit import chain, triggers
from ecm.audit.models import AuditChainHead, AuditEvent
from ecm.audit.selectors import audit_chain_verify
from ecm.audit.services import audit_record
from ecm.core.actors import SystemActor

pytestmark = pytest.mark.django_db

ACTOR = SystemActor("test-suite")


def _append(n: int) -> None:
    for i in range(n):
        audit_record(actor=ACTOR, action="test.event", object_id=str(i), data={"i": i})


def _export(tmp_path) -> str:
    call_command("export_audit_heads", "--to", str(tmp_path))
    (path,) = tmp_path.glob("audit-heads-*.json")
    return str(path)


def _rewrite_every_chain_from_scratch(new_reason: str) -> None:
    """What an attacker with the database could do: change history and recompute every hash after it."""
    triggers.drop(connection)
    last: dict[int, tuple[str, int, int]] = {}
    for event in AuditEvent.objects.order_by("sequence"):
        previous, _, count = last.get(event.chain, (chain.GENESIS_HASH, 0, 0))
        values = {name: getattr(event, name) for name in chain.HASHED_FIELDS}
        values["reason"] = new_reason
        new_hash = chain.event_hash(previous, values)
        AuditEvent.objects.filter(pk=event.pk).update(reason=new_reason, previous_hash=previous, hash=new_hash)
        last[event.chain] = (new_hash, event.sequence, count + 1)
    for chain_id, (last_hash, last_sequence, count) in last.items():
        AuditChainHead.objects.filter(pk=chain_id).update(
            last_hash=last_hash, last_sequence=last_sequence, event_count=count
        )
    triggers.install(connection)


def test_export_writes_a_new_read_only_file_with_every_head(tmp_path):
    _append(3)
    path = _export(tmp_path)
    document = json.loads(Path(path).read_text())
    heads = {h.pk: h for h in AuditChainHead.objects.all()}
    assert document["format"] == "ecm-audit-heads/1"
    for entry in document["chains"]:
        head = heads[entry["chain"]]
        # The export event itself came after the snapshot.
        assert entry["last_sequence"] <= head.last_sequence
    assert {e["chain"] for e in document["chains"]} == set(heads)
    assert not (stat.S_IMODE(Path(path).stat().st_mode) & 0o222)
    assert AuditEvent.objects.filter(action="audit.heads_exported", actor_label="audit-head-export").exists()


def test_verify_against_an_export_passes_while_the_chain_only_grows(tmp_path, capsys):
    _append(3)
    path = _export(tmp_path)
    _append(4)
    call_command("verify_audit", "--against", path, "--workers", "1")
    assert "every chain passes through the" in capsys.readouterr().out


def test_a_chain_rewritten_from_scratch_verifies_alone_but_not_against_the_export(tmp_path, capsys):
    _append(5)
    path = _export(tmp_path)
    _rewrite_every_chain_from_scratch("nothing to see here")
    assert audit_chain_verify().ok  # consistent on its own: this is what the export is for
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit", "--against", path, "--workers", "1")
    assert exit_info.value.code == 1
    assert "the chain was rewritten" in capsys.readouterr().err


def test_events_cut_from_the_end_with_the_head_moved_back_are_caught(tmp_path, capsys):
    _append(5)
    path = _export(tmp_path)
    exported = json.loads(Path(path).read_text())["chains"]
    busiest = max(exported, key=lambda e: e["last_sequence"])
    triggers.drop(connection)
    AuditEvent.objects.filter(chain=busiest["chain"], sequence__gte=busiest["last_sequence"]).delete()
    remaining = AuditEvent.objects.filter(chain=busiest["chain"]).order_by("-sequence")
    last = remaining.first()
    AuditChainHead.objects.filter(pk=busiest["chain"]).update(
        last_sequence=last.sequence, last_hash=last.hash, event_count=remaining.count()
    )
    triggers.install(connection)
    assert audit_chain_verify().ok  # a tidy cut: the chain alone cannot tell
    with pytest.raises(SystemExit):
        call_command("verify_audit", "--against", path, "--workers", "1")
    assert f"exported head #{busiest['last_sequence']} is missing" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not JSON"),
        ('{"format": "something else"}', "is not an ECM audit heads file"),
        ('{"format": "ecm-audit-heads/1", "chains": [{"chain": 1}]}', "no valid 'last_sequence'"),
    ],
)
def test_a_bad_export_file_is_named_clearly(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("verify_audit", "--against", str(bad))


def test_export_needs_a_destination(settings):
    settings.ECM_AUDIT_HEAD_EXPORT_DIR = ""
    with pytest.raises(CommandError, match="Say where to write the export"):
        call_command("export_audit_heads")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_audit_heads", "--to", "/nonexistent/ecm-heads")


def test_export_to_standard_output(capsys):
    _append(1)
    call_command("export_audit_heads", "--to", "-")
    assert json.loads(capsys.readouterr().out)["format"] == "ecm-audit-heads/1"


def test_two_exports_in_the_same_instant_both_kept(tmp_path):
    from ecm.core import clock

    _append(1)
    clock.freeze(clock.now())
    call_command("export_audit_heads", "--to", str(tmp_path))
    call_command("export_audit_heads", "--to", str(tmp_path))
    assert len(list(tmp_path.glob("audit-heads-*.json"))) == 2
