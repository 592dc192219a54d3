"""The Settings page: network, pinning and gateway, defaults for new tasks, theme, notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.amounts import format_amount, parse_amount
from ogpu_desktop.domain.expiry import DURATION_PRESETS_S, format_duration
from ogpu_desktop.domain.input_checks import check_http_url
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.services.network_check import NetworkChecker, check_custom_network
from ogpu_desktop.ui.app_settings import AppSettings
from ogpu_desktop.ui.palettes import apply_theme
from ogpu_desktop.ui.settings.custom_network_form import CustomNetworkForm
from ogpu_desktop.ui.settings.preferences import (
    IMAGE_MAX_SIDE_RANGE,
    NETWORK_TITLES,
    CustomNetwork,
    Preferences,
    PreferencesStore,
    Theme,
)
from ogpu_desktop.ui.wallet.field_error import FieldError

if TYPE_CHECKING:
    from ogpu_desktop.ui.settings.network_check_runner import NetworkCheckRunner

THEME_TITLES = {Theme.SYSTEM: "Follow the system", Theme.LIGHT: "Light", Theme.DARK: "Dark"}
FIX_FIELDS_MESSAGE = "Nothing was saved: fix the fields marked in red."


class SettingsPage(QWidget):
    """Edits :class:`Preferences`; Save checks them, stores them and emits the new value.

    A custom network is saved only after its RPC endpoint answered the chain ID typed.

    Args:
        app_settings: The profile's settings (the preferences go into the same INI file).
        parent: Parent widget.
        checker: Verifies a custom network; by default the chain layer's connect check.
    """

    settings_changed = Signal(object)  # Preferences

    def __init__(
        self,
        app_settings: AppSettings,
        parent: QWidget | None = None,
        *,
        checker: NetworkChecker | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsPage")
        self._store = PreferencesStore(app_settings.path)
        self._saved = self._store.load()
        self._checker: NetworkChecker = checker or check_custom_network
        self._runner: NetworkCheckRunner | None = None
        # The custom network last seen to answer its chain ID: saving it needs no new check.
        self._verified: CustomNetwork | None = (
            self._saved.custom_network if self._saved.network == "custom" else None
        )

        content = QWidget(self)
        column = QVBoxLayout(content)
        column.addWidget(self._network_group(content))
        column.addWidget(self._ipfs_group(content))
        column.addWidget(self._defaults_group(content))
        column.addWidget(self._appearance_group(content))
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setAccessibleName("Settings")
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("settings.status_label")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.revert_button = QPushButton("Revert", self)
        self.revert_button.setObjectName("settings.revert_button")
        self.revert_button.setToolTip("Show the saved settings again")
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton("Save", self)
        self.save_button.setObjectName("settings.save_button")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Check and keep these settings")
        self.save_button.clicked.connect(self.save)
        footer = QHBoxLayout()
        footer.addWidget(self.status_label, 1)
        footer.addWidget(self.revert_button)
        footer.addWidget(self.save_button)
        page = QVBoxLayout(self)
        heading = QLabel("Settings", self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        page.addWidget(heading)
        page.addWidget(scroll, 1)
        page.addLayout(footer)

        self.show_preferences(self._saved)
        if self._saved.theme is not Theme.SYSTEM:
            apply_theme(self._saved.theme)

    # --- building ------------------------------------------------------------------------

    def _network_group(self, parent: QWidget) -> QGroupBox:
        group = QGroupBox("Network", parent)
        group.setObjectName("settings.network_group")
        self.network_combo = QComboBox(group)
        self.network_combo.setObjectName("settings.network_combo")
        self.network_combo.setAccessibleName("Network")
        self.network_combo.setToolTip("Where tasks are published")
        for key, title in NETWORK_TITLES.items():
            self.network_combo.addItem(title, key)
        self.custom_form = CustomNetworkForm(group)
        self.custom_form.check_button.clicked.connect(self.check_custom_network)
        for field in self.custom_form.fields():
            field.edit.textEdited.connect(lambda _text: self.custom_form.clear_check_result())
        self.network_combo.currentIndexChanged.connect(self._network_picked)
        column = QVBoxLayout(group)
        column.addWidget(self.network_combo)
        column.addWidget(self.custom_form)
        return group

    def _url_field(
        self, name: str, label: str, tip: str, placeholder: str, parent: QWidget
    ) -> tuple[QLineEdit, FieldError, QWidget]:
        box = QWidget(parent)
        edit = QLineEdit(box)
        edit.setObjectName(f"settings.{name}_edit")
        edit.setAccessibleName(label)
        edit.setToolTip(tip)
        edit.setPlaceholderText(placeholder)
        error = FieldError(f"settings.{name}_error", box)
        edit.textEdited.connect(lambda _text: error.clear_message())
        edit.editingFinished.connect(lambda: self._check_url_field(edit, error, label))
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(edit)
        column.addWidget(error)
        return edit, error, box

    def _ipfs_group(self, parent: QWidget) -> QGroupBox:
        group = QGroupBox("Pinning and IPFS", parent)
        group.setObjectName("settings.ipfs_group")
        self.pinning_edit, self.pinning_error, pinning = self._url_field(
            "pinning_url", "Pinning endpoint",
            "Where task configs are uploaded; leave blank for the network's own service",
            "The network's own pinning service", group,
        )
        self.gateway_edit, self.gateway_error, gateway = self._url_field(
            "gateway_url", "IPFS gateway",
            "The IPFS gateway tried first when reading results; blank for the network's",
            "The network's gateways", group,
        )
        form = QFormLayout(group)
        form.addRow("Pinning endpoint:", pinning)
        form.addRow("IPFS gateway:", gateway)
        return group

    def _defaults_group(self, parent: QWidget) -> QGroupBox:
        group = QGroupBox("Defaults for new tasks", parent)
        group.setObjectName("settings.defaults_group")
        payment = QWidget(group)
        self.payment_edit = QLineEdit(payment)
        self.payment_edit.setObjectName("settings.payment_edit")
        self.payment_edit.setAccessibleName("Default payment")
        self.payment_edit.setPlaceholderText("The source's minimum")
        self.payment_edit.setToolTip(
            "Payment a new task starts with, in whole tokens (such as 0.002); blank for the "
            "source's minimum"
        )
        self.payment_error = FieldError("settings.payment_error", payment)
        self.payment_edit.textEdited.connect(lambda _text: self.payment_error.clear_message())
        payment_column = QVBoxLayout(payment)
        payment_column.setContentsMargins(0, 0, 0, 0)
        payment_column.setSpacing(2)
        payment_column.addWidget(self.payment_edit)
        payment_column.addWidget(self.payment_error)
        self.expiry_combo = QComboBox(group)
        self.expiry_combo.setObjectName("settings.expiry_combo")
        self.expiry_combo.setAccessibleName("Default expiry")
        self.expiry_combo.setToolTip("How long a new task waits for an answer")
        for seconds in DURATION_PRESETS_S:
            self.expiry_combo.addItem(format_duration(seconds), seconds)
        self.image_side_spin = QSpinBox(group)
        self.image_side_spin.setObjectName("settings.image_side_spin")
        self.image_side_spin.setAccessibleName("Largest image side")
        self.image_side_spin.setToolTip("Embedded images are scaled down to fit this size")
        self.image_side_spin.setRange(*IMAGE_MAX_SIDE_RANGE)
        self.image_side_spin.setSingleStep(128)
        self.image_side_spin.setSuffix(" px")
        form = QFormLayout(group)
        form.addRow("Payment:", payment)
        form.addRow("Expiry:", self.expiry_combo)
        form.addRow("Largest image side:", self.image_side_spin)
        return group

    def _appearance_group(self, parent: QWidget) -> QGroupBox:
        group = QGroupBox("Appearance and notifications", parent)
        group.setObjectName("settings.appearance_group")
        self.theme_combo = QComboBox(group)
        self.theme_combo.setObjectName("settings.theme_combo")
        self.theme_combo.setAccessibleName("Theme")
        self.theme_combo.setToolTip("Colours of the window")
        for theme, title in THEME_TITLES.items():
            self.theme_combo.addItem(title, theme.value)
        self.notifications_check = QCheckBox("Notify me when a task finishes", group)
        self.notifications_check.setObjectName("settings.notifications_check")
        self.notifications_check.setToolTip("A desktop notification when a result arrives")
        form = QFormLayout(group)
        form.addRow("Theme:", self.theme_combo)
        form.addRow("", self.notifications_check)
        return group

    # --- reading and showing -------------------------------------------------------------

    @property
    def preferences(self) -> Preferences:
        """The saved preferences (what the app uses now)."""
        return self._saved

    def show_preferences(self, preferences: Preferences) -> None:
        """Fill the form with ``preferences`` and clear every message."""
        self.network_combo.setCurrentIndex(max(self.network_combo.findData(preferences.network), 0))
        self.custom_form.set_values(preferences.custom_network)
        self.custom_form.clear_check_result()
        self.pinning_edit.setText(preferences.pinning_url)
        self.gateway_edit.setText(preferences.gateway_url)
        payment = preferences.default_payment_wei
        self.payment_edit.setText("" if payment is None else format_amount(payment, None))
        self.expiry_combo.setCurrentIndex(
            max(self.expiry_combo.findData(preferences.default_expiry_s), 0)
        )
        self.image_side_spin.setValue(preferences.image_max_side)
        self.theme_combo.setCurrentIndex(max(self.theme_combo.findData(preferences.theme.value), 0))
        self.notifications_check.setChecked(preferences.notifications)
        for error in (self.pinning_error, self.gateway_error, self.payment_error):
            error.clear_message()
        self._network_picked()

    def _network_picked(self) -> None:
        self.custom_form.setVisible(self.network_combo.currentData() == "custom")

    def _check_url_field(self, edit: QLineEdit, error: FieldError, label: str) -> str | None:
        try:
            return check_http_url(edit.text(), f"The {label.lower()}", "url", blank_ok=True)
        except ValidationError as problem:
            error.show_message(problem.message)
            return None

    def read_form(self) -> Preferences | None:
        """Return the preferences typed, or ``None`` after marking each bad field."""
        network = str(self.network_combo.currentData())
        custom = self._saved.custom_network
        ok = True
        if network == "custom":
            custom = self.custom_form.read()
            ok = custom is not None
        pinning = self._check_url_field(self.pinning_edit, self.pinning_error, "Pinning endpoint")
        gateway = self._check_url_field(self.gateway_edit, self.gateway_error, "IPFS gateway")
        payment: int | None = None
        if self.payment_edit.text().strip():
            symbol = "ToGPU" if network == "testnet" else "OGPU"
            try:
                payment = parse_amount(self.payment_edit.text(), symbol=symbol, field="payment")
            except ValidationError as problem:
                self.payment_error.show_message(problem.message)
                ok = False
        if not ok or pinning is None or gateway is None:
            return None
        return Preferences(
            network=network,
            custom_network=custom,
            pinning_url=pinning,
            gateway_url=gateway,
            default_payment_wei=payment,
            default_expiry_s=int(self.expiry_combo.currentData()),
            image_max_side=self.image_side_spin.value(),
            theme=Theme(str(self.theme_combo.currentData())),
            notifications=self.notifications_check.isChecked(),
        )

    # --- actions -------------------------------------------------------------------------

    def set_network_checker(self, checker: NetworkChecker) -> None:
        """Use ``checker`` to verify custom networks (the app wiring may pass its own)."""
        self._checker = checker
        if self._runner is not None:
            self._runner.checker = checker

    def _check_runner(self) -> NetworkCheckRunner:
        if self._runner is None:
            # Imported on first use: it needs qasync, which loads after the window painted.
            from ogpu_desktop.ui.settings.network_check_runner import (  # noqa: PLC0415
                NetworkCheckRunner,
            )

            self._runner = NetworkCheckRunner(
                self,
                check_button=self.custom_form.check_button,
                save_button=self.save_button,
                checker=self._checker,
                report=self._report_check,
                verified=self._mark_verified,
                save=self._store_preferences,
            )
        return self._runner

    def check_custom_network(self) -> None:
        """Ask the custom RPC endpoint for its chain ID and show whether it matches."""
        network = self.custom_form.read()
        if network is None:
            self.custom_form.show_check_result("Fix the fields marked in red first.", ok=False)
            return
        self._check_runner().check(network)

    def save(self) -> None:
        """Check the form and save it; a custom network not yet verified is checked first."""
        preferences = self.read_form()
        if preferences is None:
            self.status_label.setText(FIX_FIELDS_MESSAGE)
            return
        if preferences.network == "custom" and preferences.custom_network != self._verified:
            self.status_label.setText("Checking the custom network before saving…")
            self._check_runner().check_then_save(preferences)
            return
        self._store_preferences(preferences)

    def revert(self) -> None:
        """Show the saved preferences again, dropping unsaved edits."""
        self.show_preferences(self._saved)
        self.status_label.setText("Showing the saved settings.")

    def _report_check(self, message: str, ok: bool | None) -> None:
        self.custom_form.show_check_result(message, ok=ok)
        if ok is False:
            self.status_label.setText(
                "Nothing was saved: the custom network did not pass its check."
            )

    def _mark_verified(self, network: CustomNetwork) -> None:
        self._verified = network

    def _store_preferences(self, preferences: Preferences) -> None:
        theme_changed = preferences.theme is not self._saved.theme
        self._store.save(preferences)
        self._saved = preferences
        if theme_changed:
            apply_theme(preferences.theme)
        self.status_label.setText("Settings saved.")
        self.settings_changed.emit(preferences)
