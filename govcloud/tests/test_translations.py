"""Every string of the UI is translated to Simplified Chinese, and the catalog is current."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import govcloud

PACKAGE = Path(govcloud.__file__).resolve().parent
CATALOG = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r'^(#,[^\n]*\n)?msgid ((?:"[^\n]*"\n)+)(?:msgid_plural [^\n]*\n)?'
                   r'(msgstr(?:\[0\])? (?:"[^\n]*"\n)+)', re.M)


def catalog_entries(path: Path) -> dict[str, tuple[str, str]]:
    """Return msgid -> (flags, msgstr) of a .po file, the header left out."""
    entries = {}
    for flags, msgid, msgstr in ENTRY.findall(path.read_text(encoding="utf-8") + "\n"):
        key = "".join(re.findall(r'"(.*)"', msgid))
        if key:
            entries[key] = (flags, "".join(re.findall(r'"(.*)"', msgstr.split(" ", 1)[1])))
    return entries


def test_every_entry_of_the_catalog_is_translated_and_not_fuzzy():
    entries = catalog_entries(CATALOG)
    assert len(entries) > 250
    untranslated = [msgid for msgid, (_, msgstr) in entries.items() if not msgstr]
    fuzzy = [msgid for msgid, (flags, _) in entries.items() if "fuzzy" in flags]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_the_placeholders_of_every_translation_match_the_original():
    for msgid, (_, msgstr) in catalog_entries(CATALOG).items():
        placeholders = sorted(re.findall(r"%\(\w+\)[sd]", msgid))
        assert sorted(re.findall(r"%\(\w+\)[sd]", msgstr)) == placeholders, msgid


def test_the_catalog_holds_every_string_of_the_code(tmp_path):
    copy = tmp_path / "govcloud"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns(
        "vendor", "__pycache__", "tests", "testing", "*.mo"))
    environment = {**os.environ, "PYTHONPATH": str(tmp_path),
                   "GOVCLOUD_DATA_DIR": str(tmp_path / "data")}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location",
         "--settings", "govcloud.settings", "-v", "0"],
        cwd=copy, env=environment, check=True, capture_output=True,
    )
    regenerated = catalog_entries(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    missing = sorted(set(regenerated) - set(catalog_entries(CATALOG)))
    assert not missing, f"run makemessages and translate: {missing}"


def test_no_module_hides_a_translated_string_behind_an_alias():
    """makemessages finds ``_``, ``gettext``, ``gettext_lazy``, ``pgettext`` and their kin by
    name: a string marked through another alias (``gettext_lazy as _lazy``) never reaches
    the catalog and shows in English."""
    alias = re.compile(r"import [^\n]*\b(?:n|p|np)?gettext(?:_lazy|_noop)? as (?!_\b)(\w+)")
    hidden = [f"{path.relative_to(PACKAGE)}: {name}" for path in PACKAGE.rglob("*.py")
              for name in alias.findall(path.read_text(encoding="utf-8"))]
    assert not hidden, hidden
