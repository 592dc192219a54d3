"""The PyInstaller spec bundles what the frozen app reads at run time; platform files agree.

The spec is executed with stand-ins for PyInstaller's build steps (Analysis, EXE, ...), which
capture what it passes; the data-collection helpers it calls are PyInstaller's real ones.
"""

from __future__ import annotations

import ast
import glob
import importlib.util
import json
import plistlib
import re
from pathlib import Path
from typing import Any

import pytest

from ogpu_desktop import __version__
from ogpu_desktop.sandbox.compile import CONTRACT_NAMES as SANDBOX_CONTRACTS
from ogpu_desktop.sandbox.compile import CONTRACTS_DIR, sources_digest
from tests.packaging.conftest import APP_ID, PACKAGING, load_packaging_module

bundle_filters = load_packaging_module("bundle_filters")

SPEC = PACKAGING / "ogpu-desktop.spec"


class _Step:
    """Records the arguments of one build step and offers the attributes later steps read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs
        self.binaries: list[tuple[str, str, str]] = []
        self.datas: list[tuple[str, str, str]] = []
        self.pure: list[Any] = []
        self.scripts: list[Any] = []


@pytest.fixture(scope="module")
def spec_namespace() -> dict[str, Any]:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[packaging]')")
    namespace: dict[str, Any] = {
        "SPECPATH": str(PACKAGING),
        **{name: type(name, (_Step,), {}) for name in ("Analysis", "PYZ", "EXE", "COLLECT")},
    }
    exec(compile(SPEC.read_text(), str(SPEC), "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def datas(spec_namespace: dict[str, Any]) -> list[tuple[str, str]]:
    """(source file, destination folder) for every data file, with the source globs expanded."""
    pairs: list[tuple[str, str]] = []
    for source, dest in spec_namespace["a"].kwargs["datas"]:
        matches = glob.glob(source)
        assert matches, f"the data pattern {source} matches no file"
        pairs += [(match, dest) for match in matches]
    return pairs


def _bundled(datas: list[tuple[str, str]], dest_file: str) -> bool:
    folder, name = dest_file.rsplit("/", 1)
    return any(dest == folder and Path(source).name == name for source, dest in datas)


def test_every_sandbox_contract_is_bundled_beside_the_compile_module(
    datas: list[tuple[str, str]],
) -> None:
    contracts = sorted(path.name for path in CONTRACTS_DIR.glob("*.vy"))
    assert "Nexus.vy" in contracts
    assert "structs.vy" in contracts
    for name in contracts:
        assert _bundled(datas, f"ogpu_desktop/sandbox/contracts/{name}"), name


def test_official_abis_keep_their_path_under_ogpu_for_find_spec(
    datas: list[tuple[str, str]],
) -> None:
    from ogpu_desktop.chain.abis import CONTRACT_NAMES  # noqa: PLC0415

    for network in ("mainnet", "testnet"):
        for name in CONTRACT_NAMES:
            assert _bundled(datas, f"ogpu/chain/abis/{network}/{name}Abi.json"), (network, name)
    # Only data: the SDK's code (whose import loads .env files) is never bundled.
    assert not any(source.endswith(".py") for source, dest in datas if dest.startswith("ogpu/"))


def test_the_sandbox_contracts_ship_compiled_from_the_bundled_sources(
    datas: list[tuple[str, str]], spec_namespace: dict[str, Any]
) -> None:
    assert _bundled(datas, "ogpu_desktop/sandbox/contracts/compiled.json")
    compiled = Path(spec_namespace["COMPILED_CONTRACTS"])
    document = json.loads(compiled.read_text())
    assert document["sources_sha256"] == sources_digest()
    assert set(document["contracts"]) == set(SANDBOX_CONTRACTS)
    # No compiler in the bundle: nothing of Vyper is collected.
    excluded = set(spec_namespace["a"].kwargs["excludes"])
    assert {"vyper", "lark"} <= excluded
    assert not any(dest.startswith(("vyper", "lark")) for _source, dest in datas)


def test_libraries_data_files_read_at_run_time_are_bundled(datas: list[tuple[str, str]]) -> None:
    for needed in (
        "eth/_utils/kzg_trusted_setup.txt",  # py-evm's point-evaluation precompile
        "eth_account/hdaccount/wordlist/english.txt",
        "ogpu_desktop/resources/ogpu-desktop.svg",
    ):
        assert _bundled(datas, needed), needed


def test_package_metadata_read_through_importlib_metadata_is_bundled(
    datas: list[tuple[str, str]],
) -> None:
    folders = {dest.split("/", 1)[0] for _source, dest in datas}
    for distribution in ("web3", "eth_tester", "py_evm", "eth_account", "eth_utils"):
        assert any(
            re.fullmatch(rf"{distribution}-[^/]+\.dist-info", folder, re.IGNORECASE)
            for folder in folders
        ), distribution


def test_modules_imported_by_name_at_run_time_are_hidden_imports(
    spec_namespace: dict[str, Any],
) -> None:
    analysis = spec_namespace["a"]
    hidden = set(analysis.kwargs["hiddenimports"])
    assert {
        "ogpu_desktop.sandbox.cli",
        "ogpu_desktop.ui.launch",
        "eth_tester.backends.pyevm.main",
    } <= hidden
    assert not any(name.startswith("vyper") for name in hidden)
    assert analysis.args[0] == [str(PACKAGING.parent / "ogpu_desktop" / "__main__.py")]
    excluded = set(analysis.kwargs["excludes"])
    assert not excluded & {"PySide6.QtSvg", "PySide6.QtWidgets", "PySide6.QtGui", "sqlite3"}


def test_one_folder_bundle_named_after_the_command(spec_namespace: dict[str, Any]) -> None:
    exe = spec_namespace["exe"]
    assert exe.kwargs["name"] == "ogpu-desktop"
    assert exe.kwargs["exclude_binaries"] is True  # one folder, not one file
    assert spec_namespace["coll"].kwargs["name"] == "ogpu-desktop"
    assert spec_namespace["VERSION"] == __version__


def test_only_unused_qt_plugins_are_dropped() -> None:
    dropped = bundle_filters.is_dropped_plugin
    plugins = "PySide6/Qt/plugins/"
    for kept in (
        "platforms/libqxcb.so", "platforms/libqwayland.so", "platforms/libqoffscreen.so",
        "imageformats/libqjpeg.so", "iconengines/libqsvgicon.so",
        "platformthemes/libqxdgdesktopportal.so", "xcbglintegrations/libqxcb-glx-integration.so",
    ):
        assert not dropped(plugins + kept), kept
    for gone in (
        "platformthemes/libqgtk3.so", "platforms/libqeglfs.so", "generic/libqevdev.so",
        "tls/libqopensslbackend.so", "wayland-shell-integration/libivi-shell.so",
        "imageformats/libqicns.so",
    ):
        assert dropped(plugins + gone), gone
    # The app loads no translation.
    assert not bundle_filters.keep_translation("PySide6/Qt/translations/qtbase_de.qm")
    assert bundle_filters.keep_translation("PySide6/Qt/lib/libQt6Core.so.6")


def test_the_app_and_the_bare_benchmark_window_share_the_filters(
    spec_namespace: dict[str, Any],
) -> None:
    excluded = set(spec_namespace["a"].kwargs["excludes"])
    assert set(bundle_filters.EXCLUDES) <= excluded
    assert {"PySide6.QtNetwork", "PySide6.QtDBus"} <= excluded
    assert spec_namespace["coll"].kwargs["strip"] is bundle_filters.STRIP


def test_windows_version_resource_matches_the_app_version() -> None:
    text = (PACKAGING / "windows" / "version_info.txt").read_text()
    code = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    ast.parse(code, mode="eval")  # PyInstaller evaluates it as one Python expression
    numbers = (*tuple(int(part) for part in __version__.split(".")), 0)
    assert f"filevers={numbers}" in code
    assert f"prodvers={numbers}" in code
    strings = dict(re.findall(r"StringStruct\('(\w+)', '([^']*)'\)", code))
    assert strings["FileVersion"] == strings["ProductVersion"] == __version__
    assert strings["OriginalFilename"] == "ogpu-desktop.exe"


def test_macos_info_plist_has_the_bundle_keys() -> None:
    with (PACKAGING / "macos" / "Info.plist").open("rb") as handle:
        info = plistlib.load(handle)
    assert info["CFBundleIdentifier"] == APP_ID
    assert info["CFBundleName"] == "OGPU Desktop"
    assert info["CFBundleShortVersionString"] == __version__
    assert info["CFBundleExecutable"] == "ogpu-desktop"
    assert info["NSHighResolutionCapable"] is True
    major = int(info["LSMinimumSystemVersion"].split(".")[0])
    assert major >= 13  # what the Qt 6 release in use supports
    assert info["CFBundleIconFile"] == f"{APP_ID}.icns"
