"""High-performance HMI theme (ISA-101 style): greys for the normal, colour only for the abnormal.

Colours, fonts and the style sheet are declared here once; widgets pick them up through
object names (``#value``, ``#panel``…) and the dynamic ``state`` property, so a widget turns
abnormal by ``set_state(widget, "bad")`` and never builds a style sheet of its own.

A site may override the built-in rules with ``resources/theme/hmi.qss`` (appended last).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

FONT_FAMILIES: Final = ["Segoe UI", "Noto Sans", "DejaVu Sans", "Arial", "sans-serif"]
OVERRIDE_QSS: Final = Path(__file__).resolve().parents[2] / "resources" / "theme" / "hmi.qss"

# Normal state: greys only.
BACKGROUND: Final = "#c9cbcd"  # screen background (ISA-101 mid grey)
PANEL: Final = "#dfe0e1"  # section panels
PANEL_BORDER: Final = "#a3a6a9"
HEADER: Final = "#b4b7ba"
VALUE_BG: Final = "#eeeff0"
VALUE_BORDER: Final = "#9a9da0"
ENTRY_BG: Final = "#fbfbfb"  # fields the operator can tap to change
TEXT: Final = "#1b1d1f"
TEXT_MUTED: Final = "#44484c"
BUTTON: Final = "#c3c6c9"
BUTTON_PRESSED: Final = "#a9adb1"
BUTTON_ACTIVE: Final = "#4c5257"  # the selected screen, the line's current state
BUTTON_ACTIVE_TEXT: Final = "#ffffff"

# Abnormal states: the only colours on the screen.
BAD_QUALITY: Final = "#c000c0"  # magenta: value not trustworthy (bad quality, NaN, no data)
BAD_QUALITY_BG: Final = "#f6dcf6"
DEVIATION: Final = "#f2b300"  # amber: value beyond its tolerance
DEVIATION_TEXT: Final = "#1b1d1f"
ALARM: Final = "#d01010"  # red: reserved for alarms
# Alarm priorities (ISA-101 / EEMUA 191 practice): each priority its own colour, used for
# alarms only. Index = priority (1 critical .. 4 low).
PRIORITY_COLOURS: Final = {1: ALARM, 2: "#f06a00", 3: "#f5d000", 4: "#3d86c6"}
PRIORITY_TEXT: Final = {1: "#ffffff", 2: "#000000", 3: "#000000", 4: "#ffffff"}
PRIORITY_LABELS: Final = {1: "Critical", 2: "High", 3: "Medium", 4: "Low"}

# Trend curves: process values solid, setpoints dashed; dark grey, dark blue, black.
PLOT_BG: Final = "#eceded"
GRID: Final = "#9ea2a6"
GRID_LINE: Final = "#c4c7ca"  # the trend chart's grid: opaque and light (alpha costs paint time)
CURVE_A: Final = "#1b1d1f"
CURVE_B: Final = "#1f4e9a"
CURVE_C: Final = "#6b6f73"
# The investigation trend's eight pens: Okabe-Ito hues darkened for a light background (told
# apart by colour-blind eyes), no red (alarms own it); pens 5-8 repeat them dashed.
PEN_COLOURS: Final = ("#1b1d1f", "#0060a0", "#b06f00", "#007a5a", "#a4477f", "#3a8fc4")
TOLERANCE_BAND: Final = (0, 122, 90, 40)  # RGBA: a faint green band, not a colour of state
MARKER_COLOURS: Final = {"alarm": ALARM, "recipe": "#0060a0", "setpoint": "#44484c"}

VALUE_PX: Final = 22
LABEL_PX: Final = 14
TITLE_PX: Final = 15

STATES: Final = ("normal", "bad", "deviation")


def _qss() -> str:
    return f"""
* {{ font-size: {LABEL_PX}px; color: {TEXT}; }}
QMainWindow, QDialog, #screenArea {{ background: {BACKGROUND}; }}
QToolTip {{ background: {ENTRY_BG}; color: {TEXT}; border: 1px solid {PANEL_BORDER}; }}

#header {{ background: {HEADER}; border-bottom: 1px solid {PANEL_BORDER}; }}
#headerCaption {{ font-size: 12px; color: {TEXT_MUTED}; letter-spacing: 1px; }}
#headerValue {{ font-size: 19px; font-weight: 600; }}
#headerClock {{ font-size: 26px; font-weight: 600; }}
#headerSmall {{ font-size: 12px; color: {TEXT_MUTED}; }}
#headerSmall[state="deviation"] {{ background: {DEVIATION}; color: {DEVIATION_TEXT}; }}
#headerValue[state="bad"] {{ color: {BAD_QUALITY}; }}
#alarmBanner {{
    background: {PANEL}; border: 1px solid {PANEL_BORDER}; border-radius: 3px;
    color: {TEXT_MUTED}; font-size: 15px; padding: 0 12px;
}}

{_alarm_qss()}
#panel {{ background: {PANEL}; border: 1px solid {PANEL_BORDER}; border-radius: 4px; }}
#panelTitle {{ font-size: {TITLE_PX}px; font-weight: 700; letter-spacing: 1px; color: {TEXT}; }}
#groupTitle {{ font-size: {LABEL_PX}px; font-weight: 700; color: {TEXT}; padding-top: 4px; }}
#columnTitle {{ font-size: 13px; font-weight: 700; color: {TEXT_MUTED}; }}
#caption {{ font-size: {LABEL_PX}px; color: {TEXT_MUTED}; }}
#qualityValue {{ font-size: 16px; font-weight: 600; padding: 1px 4px; }}
#qualityValue[state="deviation"] {{ background: {DEVIATION}; color: {DEVIATION_TEXT}; }}
#unit {{ font-size: {LABEL_PX}px; color: {TEXT_MUTED}; }}
#mimicBlock {{ background: {PANEL}; border: 1px solid {PANEL_BORDER}; border-radius: 4px; }}
#mimicTitle {{ font-size: 15px; font-weight: 700; }}
#mimicCaption {{ font-size: 14px; color: {TEXT_MUTED}; }}
#sequenceText {{ font-size: 15px; font-weight: 700; }}
#sequenceText[state="deviation"] {{ background: {DEVIATION}; color: {DEVIATION_TEXT}; }}
#mimicStatus {{ font-size: 13px; font-weight: 700; color: {TEXT}; }}
#mimicValue {{
    font-size: 18px; font-weight: 600; background: {VALUE_BG};
    border: 1px solid {VALUE_BORDER}; border-radius: 2px; padding: 0 4px;
}}
#mimicValue[state="bad"] {{
    color: {BAD_QUALITY}; background: {BAD_QUALITY_BG}; border: 2px solid {BAD_QUALITY};
}}
#mimicValue[state="deviation"] {{
    color: {DEVIATION_TEXT}; background: {DEVIATION}; border: 2px solid #8a6500;
}}
#flowArrow {{ font-size: 22px; color: {TEXT_MUTED}; }}

#value {{
    font-size: {VALUE_PX}px; font-weight: 600; background: {VALUE_BG};
    border: 1px solid {VALUE_BORDER}; border-radius: 2px; padding: 1px 6px;
}}
#value[state="bad"] {{
    color: {BAD_QUALITY}; background: {BAD_QUALITY_BG}; border: 2px solid {BAD_QUALITY};
}}
#value[state="deviation"] {{
    color: {DEVIATION_TEXT}; background: {DEVIATION}; border: 2px solid #8a6500;
}}

QPushButton {{
    background: {BUTTON}; border: 1px solid {VALUE_BORDER}; border-radius: 4px;
    padding: 6px 14px; font-size: 16px; font-weight: 600;
}}
QPushButton:pressed {{ background: {BUTTON_PRESSED}; }}
QPushButton:focus {{ border: 2px dashed {TEXT}; }}
QPushButton:disabled {{ color: #8a8d90; }}
QPushButton:checked, QPushButton[active="true"] {{
    background: {BUTTON_ACTIVE}; color: {BUTTON_ACTIVE_TEXT}; border-color: {BUTTON_ACTIVE};
}}
#navButton {{ font-size: 16px; padding: 4px 8px; }}  /* width from the text: never clipped */
#commandButton {{ font-size: 20px; padding: 6px 14px; }}

#setpoint {{
    background: {ENTRY_BG}; border: 2px solid {TEXT_MUTED}; border-radius: 3px;
    font-size: {VALUE_PX}px; font-weight: 600; text-align: right; padding: 1px 8px;
}}
#setpoint:pressed {{ background: {BUTTON_PRESSED}; }}
#setpoint[state="bad"] {{ color: {BAD_QUALITY}; border-color: {BAD_QUALITY}; }}

#navBar {{ background: {HEADER}; border-top: 1px solid {PANEL_BORDER}; }}
#statusLine {{ font-size: 14px; color: {TEXT}; padding: 0 10px; }}
#statusLine[state="deviation"] {{
    background: {DEVIATION}; border: 1px solid #8a6500; border-radius: 3px;
}}

#keypadTitle {{ font-size: 19px; font-weight: 700; }}
#keypadInfo {{ font-size: 15px; color: {TEXT_MUTED}; }}
#keypadEdit {{
    font-size: 30px; font-weight: 600; background: {ENTRY_BG};
    border: 2px solid {TEXT_MUTED}; border-radius: 3px; padding: 4px 8px;
}}
#keypadError {{
    font-size: 15px; color: {TEXT}; background: {DEVIATION}; border: 1px solid #8a6500;
    border-radius: 3px; padding: 6px;
}}
#keypadKey {{ font-size: 24px; min-width: 84px; min-height: 60px; }}
#keypadAction {{ font-size: 18px; min-width: 84px; min-height: 60px; }}

#headerButton {{ font-size: 15px; min-width: 64px; min-height: 48px; padding: 2px 8px; }}

#setpoint:disabled {{
    background: {VALUE_BG}; border: 1px dashed {VALUE_BORDER}; color: {TEXT_MUTED};
}}
#commandButton:disabled, #navButton:disabled {{
    background: {PANEL}; color: #8a8d90; border: 1px dashed {VALUE_BORDER};
}}
#commandButton[active="true"]:disabled {{
    background: #8d9296; color: #eef0f1; border: 1px dashed {BUTTON_ACTIVE};
}}

#formCaption {{ font-size: 16px; color: {TEXT_MUTED}; min-width: 90px; }}
#formEdit {{
    font-size: 22px; background: {ENTRY_BG}; border: 2px solid {TEXT_MUTED};
    border-radius: 3px; padding: 2px 8px;
}}
#formEdit:focus {{ border: 3px solid {TEXT}; }}
#keyboardKey {{ font-size: 20px; padding: 2px; }}
#keyboardAction {{ font-size: 17px; padding: 2px; }}
#chip, #choice {{ font-size: 16px; min-height: 44px; padding: 2px 14px; }}
#penChoice {{ font-size: 15px; min-height: 44px; padding: 2px 6px; }}

#auditStatus {{ font-size: 14px; color: {TEXT_MUTED}; padding: 2px 4px; }}
#auditStatus[state="deviation"] {{ background: {DEVIATION}; color: {DEVIATION_TEXT}; }}
#auditStatus[state="bad"] {{ background: {ALARM}; color: #ffffff; font-weight: 700; }}
QTableWidget, QTableView {{
    background: {VALUE_BG}; alternate-background-color: {PANEL}; font-size: 15px;
    gridline-color: {PANEL_BORDER}; border: 1px solid {PANEL_BORDER};
    selection-background-color: {BUTTON_ACTIVE}; selection-color: {BUTTON_ACTIVE_TEXT};
}}
QTabWidget::pane {{ background: {PANEL}; border: 1px solid {PANEL_BORDER}; }}
QTabBar::tab {{
    background: {BUTTON}; border: 1px solid {VALUE_BORDER}; padding: 8px 24px; font-size: 16px;
}}
QTabBar::tab:selected {{ background: {PANEL}; font-weight: 700; }}
QHeaderView::section {{
    background: {HEADER}; font-size: 14px; font-weight: 700; padding: 4px 6px;
    border: none; border-right: 1px solid {PANEL_BORDER};
}}
#picker {{
    background: {ENTRY_BG}; border: 1px solid {VALUE_BORDER}; border-radius: 3px;
    font-size: 16px; font-weight: 400; text-align: left; padding: 2px 10px;
}}
#pickerMenu {{ background: {ENTRY_BG}; border: 1px solid {PANEL_BORDER}; }}
#pickerMenu::item {{ font-size: 17px; padding: 10px 28px 10px 14px; }}
#pickerMenu::item:selected {{ background: {BUTTON_ACTIVE}; color: {BUTTON_ACTIVE_TEXT}; }}

#plotTitle {{ font-size: {LABEL_PX}px; font-weight: 700; }}
#legend {{ font-size: 13px; color: {TEXT_MUTED}; }}
"""


def _alarm_qss() -> str:
    """Banner (frame and its text carry the same state) and count chips: the priority colour
    when unacknowledged (flashing: solid on the "on" phase, outlined on the "off" phase), a
    steady outline once acknowledged."""
    rules = [
        "#alarmCount { font-size: 15px; font-weight: 700; padding: 2px 4px;"
        f" background: {PANEL}; border: 1px solid {PANEL_BORDER}; border-radius: 3px;"
        f" color: {TEXT_MUTED}; qproperty-alignment: AlignCenter; }}",
        f"#alarmText {{ font-size: 17px; color: {TEXT_MUTED}; }}",
        "#alarmSilence { font-size: 15px; min-height: 40px; padding: 2px 10px; }",
    ]
    for p, colour in PRIORITY_COLOURS.items():
        text = PRIORITY_TEXT[p]
        rules += [
            f'#alarmBanner[state="p{p}on"] {{ background: {colour}; border: 2px solid {colour}; }}',
            f'#alarmText[state="p{p}on"] {{ color: {text}; font-weight: 700; }}',
            f'#alarmBanner[state="p{p}off"] {{ border: 3px solid {colour}; }}',
            f'#alarmText[state="p{p}off"] {{ color: {TEXT}; font-weight: 700; }}',
            f'#alarmBanner[state="p{p}ack"] {{ border: 3px solid {colour}; }}',
            f'#alarmText[state="p{p}ack"] {{ color: {TEXT}; }}',
            f'#alarmCount[state="p{p}"] {{ background: {colour}; color: {text};'
            f" border-color: {colour}; }}",
        ]
    return "\n".join(rules)


def stylesheet() -> str:
    """The built-in rules, followed by the site override file if there is one."""
    text = _qss()
    try:
        text += "\n" + OVERRIDE_QSS.read_text(encoding="utf-8")
    except OSError:
        pass
    return text


def font() -> QFont:
    result = QFont()
    result.setFamilies(FONT_FAMILIES)
    result.setPixelSize(LABEL_PX)
    return result


def apply_theme(target: QApplication | QWidget) -> None:
    """Set the theme's font and style sheet on the application (or one top-level widget)."""
    target.setFont(font())
    target.setStyleSheet(stylesheet())
    if isinstance(target, QApplication):
        target.setProperty("hmiTheme", True)


def theme_applied_to_app() -> bool:
    app = QApplication.instance()
    return bool(app is not None and app.property("hmiTheme"))


def set_state(widget: QWidget, state: str) -> None:
    """Switch a widget's style state (normal / bad / deviation); repolishes only on change."""
    if widget.property("state") == state:
        return
    widget.setProperty("state", state)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def set_active(widget: QWidget, active: bool) -> None:
    """Mark a button as showing the current state (e.g. RUN while the line runs)."""
    value = "true" if active else "false"
    if widget.property("active") == value:
        return
    widget.setProperty("active", value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
