"""The entry point for task forms: loads the bespoke forms so the registry is complete."""

from __future__ import annotations

from ogpu_desktop.ui.forms import bespoke_forms
from ogpu_desktop.ui.forms.form_builder import TASK_FORMS, FormCheck, TaskForm, create_task_form

BESPOKE_MODULES = (bespoke_forms,)

__all__ = ["BESPOKE_MODULES", "TASK_FORMS", "FormCheck", "TaskForm", "create_task_form"]
