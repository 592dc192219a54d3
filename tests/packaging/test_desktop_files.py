"""The Linux desktop entry and AppStream metadata pass the freedesktop validators and agree."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ogpu_desktop import __version__
from tests.packaging.conftest import APP_ID, LINUX, ROOT

DESKTOP_FILE = LINUX / f"{APP_ID}.desktop"
METAINFO_FILE = LINUX / f"{APP_ID}.metainfo.xml"
SCREENSHOTS = ("compose.png", "review.png", "tasks.png")


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package {package})")
    return path


def read_desktop_entry(path: Path) -> dict[str, str]:
    """Return the keys of the [Desktop Entry] group."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_desktop_entry_passes_desktop_file_validate() -> None:
    tool = _tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([tool, str(DESKTOP_FILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # Not even hints: the entry is meant to be clean.
    assert result.stdout.strip() == "", result.stdout


def test_metainfo_passes_appstreamcli_validate() -> None:
    tool = _tool("appstreamcli", "appstream")
    result = subprocess.run(
        [tool, "validate", "--no-net", "--no-color", str(METAINFO_FILE)],
        capture_output=True, text=True, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    problems = [line for line in output.splitlines() if line.startswith(("E:", "W:"))]
    assert problems == []


def test_desktop_entry_names_the_icon_and_the_installed_command() -> None:
    entry = read_desktop_entry(DESKTOP_FILE)
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["gui-scripts"]
    assert entry["Icon"] == APP_ID
    assert entry["Exec"] in scripts
    assert entry["TryExec"] == entry["Exec"]
    assert entry["Terminal"] == "false"


def test_metainfo_describes_this_app_and_release() -> None:
    component = ET.parse(METAINFO_FILE).getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == APP_ID
    launchable = component.find("launchable")
    assert launchable is not None
    assert launchable.text == DESKTOP_FILE.name
    assert component.findtext("provides/binary") == read_desktop_entry(DESKTOP_FILE)["Exec"]
    releases = [release.get("version") for release in component.iterfind("releases/release")]
    assert releases[0] == __version__, "the newest release entry must be the current version"
    assert component.find("content_rating") is not None
    description = component.find("description")
    assert description is not None
    text = " ".join(" ".join(description.itertext()).split())
    assert "Sandbox" in text
    assert "public IPFS" in text


def test_metainfo_screenshots_are_the_generated_ones() -> None:
    component = ET.parse(METAINFO_FILE).getroot()
    images = [image.text or "" for image in component.iterfind("screenshots/screenshot/image")]
    assert [url.rsplit("/docs/screenshots/", 1)[-1] for url in images] == list(SCREENSHOTS)
    assert all(url.startswith("https://") for url in images)
    defaults = component.findall("screenshots/screenshot[@type='default']")
    assert len(defaults) == 1
