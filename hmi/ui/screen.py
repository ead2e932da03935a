"""What every screen is: a widget refreshed from a snapshot, only while it is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from hmi.recipes.service import RecipeService
from hmi.runtime.commissioning import CommissioningService
from hmi.runtime.service import LineService
from hmi.runtime.snapshot import Snapshot
from hmi.runtime.trend import TrendBuffer
from hmi.runtime.trend_history import TrendHistory
from hmi.security import SecurityService
from hmi.ui.widgets import Notify

if TYPE_CHECKING:
    from hmi.quality.service import QualityService
    from hmi.ui.about import AboutInfo


@dataclass(frozen=True)
class ScreenContext:
    """What a screen may use: the service to act, the trend buffer to plot, a status line,
    the security service (None in a window built without access control), and what the
    About screen shows."""

    service: LineService
    trend: TrendBuffer
    notify: Notify  # (message, is_error) -> shown in the status line
    security: SecurityService | None = None
    recipes: RecipeService | None = None  # the recipe workflow (None: no Recipes screen)
    about: AboutInfo | None = None
    commissioning: CommissioningService | None = None  # the fieldbus link and loop check
    history: TrendHistory | None = None  # the historian, markers and pen sets (None: live only)
    quality: QualityService | None = None  # CD × MD map, rolls, headline figures


class Screen(QWidget):
    """Base of the screens. The main window calls `refresh` on the visible screen only.

    `required_action`: the permission needed to open the screen (its navigation button is
    disabled otherwise). `needs_security`: the screen exists only with a security service."""

    required_action: str | None = None
    needs_security = False
    needs_recipes = False
    needs_quality = False

    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.update_count = 0  # refreshes received: stays flat while the screen is hidden

    def refresh(self, snapshot: Snapshot | None) -> None:
        self.update_count += 1
        self.update_from(snapshot)

    def update_from(self, snapshot: Snapshot | None) -> None:
        raise NotImplementedError


ScreenFactory = Callable[[ScreenContext], Screen]
