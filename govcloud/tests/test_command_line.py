"""The ``govcloud`` command and its configuration from the environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govcloud.contract.contract_file import bundled_contract_path
from govcloud.testing.cast import OTHER_CONTRACT_PATH

GOVCLOUD = shutil.which("govcloud", path=str(Path(sys.executable).parent))

# Every command here runs on a SQLite file of its own (``govcloud()`` drops DATABASE_URL),
# so the PostgreSQL pass of the suite would only repeat the SQLite pass (a demo build).
pytestmark = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="the same on every pass: the SQLite pass runs it")


def govcloud(*arguments: str, data_dir: Path, **environment: str):
    env = {**os.environ, "GOVCLOUD_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    env.update(environment)
    return subprocess.run([GOVCLOUD, *arguments], env=env, capture_output=True, text=True)


def test_the_command_migrates_loads_and_lists_into_the_sqlite_file_of_the_data_dir(tmp_path):
    assert govcloud("migrate", "-v", "0", data_dir=tmp_path).returncode == 0
    loaded = govcloud("contract", "load", str(bundled_contract_path()), data_dir=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.startswith("created: bj-sasac-2025 v1")
    assert (tmp_path / "govcloud.sqlite3").exists()
    listed = govcloud("contract", "list", data_dir=tmp_path)
    assert "bj-sasac-2025" in listed.stdout and "¥3,887,026.00" in listed.stdout


def test_database_url_chooses_the_database(tmp_path):
    database = tmp_path / "elsewhere.sqlite3"
    result = govcloud("migrate", "-v", "0", data_dir=tmp_path,
                      DATABASE_URL=f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr
    assert database.exists() and not (tmp_path / "govcloud.sqlite3").exists()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [("DATABASE_URL", "mysql://root@localhost/govcloud", "sqlite:///PATH and postgres://"),
     ("GOVCLOUD_DEBUG", "maybe", "GOVCLOUD_DEBUG='maybe' is not a yes/no value")],
)
def test_a_bad_setting_stops_the_command_with_a_message_naming_it(tmp_path, variable, value,
                                                                  message):
    result = govcloud("check", data_dir=tmp_path, **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_a_broken_contract_file_exits_non_zero_and_names_the_field(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(OTHER_CONTRACT_PATH.read_text(encoding="utf-8").replace(
        "percent: 40", "percent: 45"), encoding="utf-8")
    result = govcloud("contract", "check", str(broken), data_dir=tmp_path)
    assert result.returncode == 1
    assert f"{broken}: payments: the milestones add up to" in result.stderr


def test_the_demo_command_builds_the_demo_and_prints_a_login_per_role(tmp_path):
    """On the other agency's contract, whose fleet is a third of the bundled one's: the
    bundled demo is built and read by govcloud/demo/tests, which also builds it twice."""
    assert govcloud("migrate", "-v", "0", data_dir=tmp_path).returncode == 0
    built = govcloud("demo", "--contract", str(OTHER_CONTRACT_PATH), data_dir=tmp_path)
    assert built.returncode == 0, built.stderr
    for login in ("purchaser-admin", "purchaser-staff", "vendor-a", "vendor-b",
                  "provider-operator", "provider-manager", "supervisor", "system-admin",
                  "security-admin", "audit-admin", "Govcloud-Demo-2025"):
        assert login in built.stdout
    listed = govcloud("contract", "list", data_dir=tmp_path)
    assert listed.stdout.count("qinghe-data-2026") == 1


def test_kept_figures_live_in_the_data_dir_one_directory_per_database(tmp_path):
    """Every worker process reads the same kept figures (a file cache), and a data directory
    used with two databases never shows one's figures for the other's."""
    show = "from django.conf import settings; print(settings.CACHES['default']['LOCATION'])"
    locations = {govcloud("shell", "-c", show, data_dir=tmp_path, **extra).stdout.split()[-1]
                 for extra in ({}, {"DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}"})}
    assert len(locations) == 2
    assert all(location.startswith(str(tmp_path / "cache")) for location in locations)
