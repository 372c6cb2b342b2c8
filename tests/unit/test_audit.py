"""tools.audit: pins against an advisory snapshot, failing on what is not acknowledged."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tools import audit

ADVISORY = {
    "id": "GHSA-test-0001",
    "aliases": [],
    "ecosystem": "PyPI",
    "package": "Example-Lib",
    "affected": ["<2.0.1", ">=3.0.0,<3.0.2"],
    "summary": "Made-up request smuggling",
    "url": "https://example.invalid/GHSA-test-0001",
}
NPM_ADVISORY = {**ADVISORY, "id": "GHSA-test-0002", "ecosystem": "npm", "package": "left-pad"}
NPM_ADVISORY["affected"] = [">=0"]


def write_project(tmp: Path, pins: str, acknowledged_ids: list[str]) -> list[str]:
    """A lock, an npm lockfile, a snapshot and an acknowledged list; returns the audit's arguments."""
    (tmp / "requirements.lock").write_text(f"# comment\n{pins}\n")
    nested = {"node_modules/a/node_modules/left-pad": {"version": "1.3.0"}}
    (tmp / "package-lock.json").write_text(json.dumps({"packages": {"": {"name": "site"}, **nested}}))
    (tmp / "advisories.yml").write_text(yaml.safe_dump({"advisories": [ADVISORY, NPM_ADVISORY]}))
    groups = [{"ids": acknowledged_ids, "reason": "Not reachable: made up.", "fix": "Example-Lib 2.0.1"}]
    (tmp / "acknowledged.yml").write_text(yaml.safe_dump({"acknowledged": groups}))
    return [
        "--requirements", str(tmp / "requirements.lock"),
        "--npm-lock", str(tmp / "package-lock.json"),
        "--advisories", str(tmp / "advisories.yml"),
        "--acknowledged", str(tmp / "acknowledged.yml"),
    ]  # fmt: skip


def test_an_unacknowledged_finding_fails_and_is_named(tmp_path, capsys):
    args = write_project(tmp_path, "example_lib==2.0.0 --hash=sha256:00", ["GHSA-test-0002"])

    assert audit.main(args) == 1
    out = capsys.readouterr().out
    assert "NEW GHSA-test-0001 example-lib 2.0.0: Made-up request smuggling" in out
    assert "2 findings: 1 acknowledged" in out


def test_acknowledged_findings_pass(tmp_path, capsys):
    args = write_project(tmp_path, "Example.Lib==3.0.1", ["GHSA-test-0001", "GHSA-test-0002"])

    assert audit.main(args) == 0
    assert "2 findings: 2 acknowledged (data/security/acknowledged.yml, SECURITY.md), 0 new" in (
        capsys.readouterr().out
    )


def test_versions_outside_every_range_are_not_findings(tmp_path, capsys):
    args = write_project(tmp_path, "example-lib==2.0.1\nother==1.0", [])
    (tmp_path / "package-lock.json").write_text(json.dumps({"packages": {}}))

    assert audit.main(args) == 0
    out = capsys.readouterr().out
    assert "0 findings" in out
    assert "Pins: 2 PyPI, 0 npm" in out


def test_an_acknowledgement_that_matches_nothing_is_reported(tmp_path, capsys):
    args = write_project(tmp_path, "example-lib==2.0.1", ["GHSA-test-0001", "GHSA-test-0002"])

    assert audit.main(args) == 0
    assert "no longer found (remove them): GHSA-test-0001" in capsys.readouterr().out


def test_security_md_tables_are_rewritten_between_the_markers(tmp_path, capsys):
    args = write_project(tmp_path, "example-lib==3.0.0", ["GHSA-test-0001", "GHSA-test-0002"])
    page = tmp_path / "SECURITY.md"
    page.write_text(f"# Security\n\n{audit.BEGIN}\nold table\n{audit.END}\n\nAfter.\n")

    assert audit.main([*args, "--write-security-md", str(page)]) == 0
    text = page.read_text()
    assert "old table" not in text
    assert "| example-lib (PyPI) | 3.0.0 | [GHSA-test-0001](https://example.invalid/GHSA-test-0001) |" in text
    why = "| example-lib 3.0.0 (1), left-pad 1.3.0 (1) | Not reachable: made up. | Example-Lib 2.0.1 |"
    assert why in text
    assert text.endswith(f"{audit.END}\n\nAfter.\n")


def test_the_pinned_tree_has_no_unacknowledged_finding(capsys):
    """What `make audit` runs, on the project's own locks and snapshot."""
    assert audit.main([]) == 0, capsys.readouterr().out


def test_security_md_is_generated_from_the_snapshot_and_the_acknowledgements():
    pins = audit.pinned(list(audit.REQUIREMENTS), [audit.NPM_LOCK])
    findings = audit.find(pins, audit.read_advisories(audit.SECURITY_DATA / "advisories.yml"))
    groups = audit.read_acknowledged(audit.SECURITY_DATA / "acknowledged.yml")
    tables = audit.security_tables(findings, groups)
    page = audit.SECURITY_MD.read_text(encoding="utf-8")
    assert audit.with_tables(page, tables) == page, "run: python -m tools.audit --write-security-md"
