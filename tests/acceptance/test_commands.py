"""The commands of the contract, run as `python -m callcenter ...` in a fresh directory."""

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx

from tests.acceptance.outsider import ADMIN_EMAIL, API_TOKEN, Outsider, outsider_env, running_core
from tests.support.servers import free_port

COMMANDS = ("migrate", "create-user", "call", "send-outbox")


def _fresh(tmp_path: Path, **extra: str) -> Outsider:
    port = free_port()
    return Outsider(workdir=tmp_path, port=port, env=outsider_env(tmp_path, port, **extra))


def _tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    return {name for (name,) in rows}


def test_every_command_has_help(tmp_path: Path) -> None:
    outsider = _fresh(tmp_path)
    runs = {
        name: subprocess.Popen(
            [sys.executable, "-m", "callcenter", *([name] if name else []), "--help"],
            cwd=tmp_path,
            env=outsider.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("", *COMMANDS)
    }
    outputs = {}
    for name, process in runs.items():
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, (name, err)
        assert out.startswith("usage:"), (name, out)
        outputs[name] = out
    for name in COMMANDS:
        assert name in outputs[""]  # the top-level help lists every command


def test_migrate_creates_the_schema_and_is_idempotent(tmp_path: Path) -> None:
    outsider = _fresh(tmp_path)
    first = outsider.cli("migrate")
    assert first.returncode == 0, first.stderr
    tables = _tables(tmp_path / "callcenter.db")
    assert "alembic_version" in tables and len(tables) > 5
    second = outsider.cli("migrate")
    assert second.returncode == 0, second.stderr
    assert _tables(tmp_path / "callcenter.db") == tables


def test_create_user_adds_a_manager_and_a_rep_who_can_sign_in(tmp_path: Path) -> None:
    outsider = _fresh(tmp_path)
    manager = outsider.cli(
        "create-user", "boss@example.com", "--role", "manager", "--password", "s3cret-pass-1"
    )
    assert manager.returncode == 0, manager.stderr
    rep = outsider.cli("create-user", "rep@example.com", "--role", "rep", stdin="rep-pass-123\n")
    assert rep.returncode == 0, rep.stderr
    again = outsider.cli(
        "create-user", "rep@example.com", "--role", "rep", "--password", "x-pass-1234"
    )
    assert again.returncode != 0  # the email is taken
    bad_role = outsider.cli(
        "create-user", "x@example.com", "--role", "admin", "--password", "p-123456"
    )
    assert bad_role.returncode != 0 and "role" in bad_role.stderr

    with sqlite3.connect(tmp_path / "callcenter.db") as conn:
        rows = dict(conn.execute("SELECT email, role FROM users").fetchall())
    assert rows.get("boss@example.com") == "manager"
    assert rows.get("rep@example.com") == "rep"
    assert "x@example.com" not in rows


def test_auto_migrate_false_leaves_the_schema_alone_and_says_to_migrate(tmp_path: Path) -> None:
    outsider = _fresh(tmp_path, AUTO_MIGRATE="false")
    result = outsider.cli("create-user", "a@example.com", "--password", "p-1234567")
    assert result.returncode != 0
    assert "migrate" in result.stderr and "Traceback" not in result.stderr
    db = tmp_path / "callcenter.db"
    assert not db.exists() or "alembic_version" not in _tables(db)


def test_the_core_migrates_at_start_up_and_prints_a_generated_api_token(tmp_path: Path) -> None:
    with running_core(tmp_path, start=False) as core:
        del core.env["API_TOKEN"], core.env["ADMIN_PASSWORD"]
        core.start()
        assert "alembic_version" in _tables(tmp_path / "callcenter.db")
        printed = re.search(r"API token +(\S+)$", core.log(), re.MULTILINE)
        assert printed, core.log()
        token = printed.group(1)
        assert re.search(rf"Sign in +{ADMIN_EMAIL} / \S+", core.log())
        ok = httpx.get(core.base_url + "/api/calls", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        assert core.log().count(token) == 1  # shown once, never logged


def test_the_core_serves_a_migrated_database_with_auto_migrate_false(tmp_path: Path) -> None:
    with running_core(tmp_path, start=False, AUTO_MIGRATE="false") as core:
        assert core.cli("migrate").returncode == 0
        core.start()
        response = httpx.get(
            core.base_url + "/api/calls", headers={"Authorization": f"Bearer {API_TOKEN}"}
        )
        assert response.status_code == 200
        assert response.json()["total"] == 0
