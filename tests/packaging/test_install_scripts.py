"""install.sh and uninstall.sh, run for real from a packed tarball against a temporary HOME.

The bundle is a stand-in folder with a small executable (the real one takes minutes to build);
everything else — the tarball layout, the desktop entry, the icons and the scripts — is real.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.packaging.conftest import APP_ID, LINUX
from tests.packaging.test_desktop_files import SCREENSHOTS, read_desktop_entry

NAME = "ogpu-desktop-0.0.0-linux-test"


@dataclass
class Tree:
    """Every path under a folder (files with a content hash, folders, links with their target)."""

    entries: dict[str, str]

    @classmethod
    def of(cls, root: Path) -> Tree:
        entries: dict[str, str] = {}
        for path in sorted(root.rglob("*")):
            key = str(path.relative_to(root))
            if path.is_symlink():
                entries[key] = "link -> " + os.readlink(path)
            elif path.is_dir():
                entries[key] = "dir"
            else:
                entries[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        return cls(entries)


def _fake_bundle(folder: Path, message: str) -> Path:
    bundle = folder / "ogpu-desktop"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "base_library.zip").write_bytes(b"not really a zip")
    exe = bundle / "ogpu-desktop"
    exe.write_text(f'#!/bin/sh\necho "{message} $*"\n')
    exe.chmod(0o755)
    return bundle


def _pack(
    tmp_path: Path, icons: Path, message: str, label: str, env: dict[str, str] | None = None
) -> Path:
    """Pack a fake bundle with make_tarball.sh, unpack it as a user would; return the folder."""
    bundle = _fake_bundle(tmp_path / f"bundle-{label}", message)
    result = subprocess.run(
        ["bash", str(LINUX / "make_tarball.sh"), str(bundle), str(icons),
         str(tmp_path / f"dist-{label}"), NAME],
        capture_output=True, text=True, check=False, env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    tarball = Path(result.stdout.strip())
    assert tarball.name == f"{NAME}.tar.gz"
    checksum = subprocess.run(
        ["sha256sum", "--check", f"{NAME}.tar.gz.sha256"], cwd=tarball.parent,
        capture_output=True, text=True, check=False,
    )
    assert checksum.returncode == 0, checksum.stdout + checksum.stderr
    unpacked = tmp_path / f"unpacked-{label}"
    unpacked.mkdir()
    subprocess.run(["tar", "-xzf", str(tarball), "-C", str(unpacked)], check=True)
    return unpacked / NAME


def _run(script: Path, home: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), **extra_env}
    return subprocess.run(
        [str(script)], capture_output=True, text=True, env=env, check=False, timeout=60
    )


@pytest.fixture
def unpacked(tmp_path: Path, rendered_icons: Path) -> Path:
    return _pack(tmp_path, rendered_icons, "ogpu-desktop 1", "v1")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home with the user's own data and other programs' files, which must all survive."""
    home = tmp_path / "home dir"  # a space, as in many real home folders' children
    for path, content in {
        ".config/ogpu-desktop/settings.json": '{"network": "sandbox"}',
        ".local/share/ogpu-desktop/tasks.sqlite3": "history",
        ".local/state/ogpu-desktop/log/ogpu-desktop.log": "log",
        ".local/share/applications/other.desktop": "[Desktop Entry]\n",
        ".local/bin/other-tool": "#!/bin/sh\n",
    }.items():
        target = home / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    return home


def test_tarball_holds_the_bundle_scripts_and_desktop_files(unpacked: Path) -> None:
    for relative in (
        "install.sh", "uninstall.sh", "INSTALL.txt", "app/ogpu-desktop",
        f"share/applications/{APP_ID}.desktop", f"share/metainfo/{APP_ID}.metainfo.xml",
        f"share/icons/hicolor/48x48/apps/{APP_ID}.png",
        f"share/icons/hicolor/scalable/apps/{APP_ID}.svg",
    ):
        assert (unpacked / relative).is_file(), relative
    for script in ("install.sh", "uninstall.sh", "app/ogpu-desktop"):
        assert (unpacked / script).stat().st_mode & stat.S_IXUSR, f"{script} must be executable"


def test_screenshot_urls_can_point_where_the_screenshots_are_published(
    tmp_path: Path, rendered_icons: Path
) -> None:
    base = "https://example.org/ogpu-desktop/shots/"
    unpacked = _pack(
        tmp_path, rendered_icons, "x", "urls", {"OGPU_DESKTOP_SCREENSHOTS_URL": base}
    )
    metainfo = unpacked / "share" / "metainfo" / f"{APP_ID}.metainfo.xml"
    images = re.findall(r"<image>([^<]+)</image>", metainfo.read_text())
    assert images == [base + name for name in SCREENSHOTS]
    tool = shutil.which("appstreamcli")
    if tool is not None:
        result = subprocess.run(
            [tool, "validate", "--no-net", str(metainfo)], capture_output=True, text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout


def test_install_puts_program_launcher_menu_entry_icons_and_metainfo(
    unpacked: Path, home: Path
) -> None:
    result = _run(unpacked / "install.sh", home)
    assert result.returncode == 0, result.stderr
    app_dir = home / ".local/lib/ogpu-desktop"
    exe = app_dir / "ogpu-desktop"
    assert (app_dir / "_internal" / "base_library.zip").is_file()
    assert (app_dir / "uninstall.sh").is_file()

    launcher = home / ".local/bin/ogpu-desktop"
    assert launcher.is_symlink()
    assert Path(os.readlink(launcher)) == exe
    ran = subprocess.run([str(launcher), "--version"], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "ogpu-desktop 1 --version"

    share = home / ".local/share"
    entry = read_desktop_entry(share / "applications" / f"{APP_ID}.desktop")
    assert entry["Exec"] == f'"{exe}"'  # the home folder has a space: the path is quoted
    assert entry["TryExec"] == str(exe)
    assert entry["Icon"] == APP_ID
    for size in ("16x16", "48x48", "256x256", "512x512"):
        assert (share / "icons/hicolor" / size / "apps" / f"{APP_ID}.png").is_file(), size
    assert (share / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert "ogpu-desktop/uninstall.sh" in result.stdout


def test_installed_menu_entry_still_validates(unpacked: Path, home: Path) -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (Debian package desktop-file-utils)")
    assert _run(unpacked / "install.sh", home).returncode == 0
    installed = home / ".local/share/applications" / f"{APP_ID}.desktop"
    result = subprocess.run([tool, str(installed)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == ""


def test_install_twice_then_uninstall_leaves_the_home_as_it_was(
    tmp_path: Path, rendered_icons: Path, unpacked: Path, home: Path
) -> None:
    before = Tree.of(home)
    assert _run(unpacked / "install.sh", home).returncode == 0
    first = Tree.of(home)

    # Installing the same again changes nothing; a newer build replaces the program.
    assert _run(unpacked / "install.sh", home).returncode == 0
    assert Tree.of(home) == first
    update = _pack(tmp_path, rendered_icons, "ogpu-desktop 2", "v2")
    assert _run(update / "install.sh", home).returncode == 0
    ran = subprocess.run(
        [str(home / ".local/bin/ogpu-desktop")], capture_output=True, text=True, check=True
    )
    assert ran.stdout.strip() == "ogpu-desktop 2"

    result = _run(home / ".local/lib/ogpu-desktop/uninstall.sh", home)
    assert result.returncode == 0, result.stderr
    assert Tree.of(home) == before  # user data intact, every added file and folder gone
    assert f"{home}/.local/share/ogpu-desktop" in result.stdout  # says where the data stays
    assert "keychain" in result.stdout


def test_install_and_uninstall_follow_xdg_data_home(unpacked: Path, home: Path) -> None:
    before = Tree.of(home)
    data_home = home / "xdg data"
    assert _run(unpacked / "install.sh", home, XDG_DATA_HOME=str(data_home)).returncode == 0
    assert (data_home / "applications" / f"{APP_ID}.desktop").is_file()
    assert not (home / ".local/share/applications" / f"{APP_ID}.desktop").exists()
    result = _run(unpacked / "uninstall.sh", home, XDG_DATA_HOME=str(data_home))
    assert result.returncode == 0, result.stderr
    assert Tree.of(home) == before


def test_a_launcher_name_owned_by_another_program_is_left_alone(
    unpacked: Path, home: Path
) -> None:
    other = home / ".local/bin/ogpu-desktop"
    other.write_text("#!/bin/sh\necho another program\n")
    result = _run(unpacked / "install.sh", home)
    assert result.returncode == 0, result.stderr
    assert "left as it is" in result.stdout
    assert other.read_text() == "#!/bin/sh\necho another program\n"
    assert _run(home / ".local/lib/ogpu-desktop/uninstall.sh", home).returncode == 0
    assert other.read_text() == "#!/bin/sh\necho another program\n"


def test_uninstall_without_the_program_folder_removes_the_files_named_by_the_app_id(
    unpacked: Path, home: Path
) -> None:
    assert _run(unpacked / "install.sh", home).returncode == 0
    shutil.rmtree(home / ".local/lib/ogpu-desktop")  # the user deleted the program by hand
    result = _run(unpacked / "uninstall.sh", home)
    assert result.returncode == 0, result.stderr
    share = home / ".local/share"
    assert not (share / "applications" / f"{APP_ID}.desktop").exists()
    assert not (share / "metainfo" / f"{APP_ID}.metainfo.xml").exists()
    assert not list((share / "icons").rglob(f"{APP_ID}.*"))
    assert not (home / ".local/bin/ogpu-desktop").is_symlink()
    assert (share / "applications" / "other.desktop").is_file()
    assert (share / "ogpu-desktop" / "tasks.sqlite3").read_text() == "history"


def test_install_refuses_an_incomplete_unpack(unpacked: Path, home: Path) -> None:
    (unpacked / "app" / "ogpu-desktop").unlink()
    before = Tree.of(home)
    result = _run(unpacked / "install.sh", home)
    assert result.returncode == 1
    assert "Unpack the whole archive" in result.stderr
    assert Tree.of(home) == before
