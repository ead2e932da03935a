"""What a user sees as broken layout, checked from widget geometry rather than by eye:

- a label's or button's text wider (or taller) than the room it has: clipped text;
- two visible sibling widgets whose rectangles intersect: overlap;
- a visible widget reaching outside its parent: cut off at the edge;
- a scroll bar shown inside a screen: the screen does not fit;
- the window larger than the size it was given: a layout that needs more than the panel.

`problems(window)` returns one line per finding, naming the widget by its class, object
name and text, so a failing test says what to fix.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollBar,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

SLACK_PX = 1  # rounding in font metrics


def name_of(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, QLabel | QAbstractButton):
        text = f" {widget.text()[:40]!r}"
    return f"{type(widget).__name__}#{widget.objectName() or '-'}{text}"


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    room = label.contentsRect()
    margin = label.margin() * 2 + (label.indent() if label.indent() > 0 else 0)
    metrics = label.fontMetrics()
    if label.textFormat() == label.textFormat().RichText or "<" in text and ">" in text:
        return None  # rich text: laid out by a document; not measured here
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + SLACK_PX:
            return f"wrapped text needs {needed} px height, has {label.height()}"
        longest = max(metrics.horizontalAdvance(w) for w in text.split())
        if longest > room.width() - margin + SLACK_PX:
            return f"a word needs {longest} px, label has {room.width() - margin}"
        return None
    lines = text.split("\n")
    width = max(metrics.horizontalAdvance(line) for line in lines)
    height = metrics.height() * len(lines)
    if width > room.width() - margin + SLACK_PX and not label.property("elides"):
        return f"text needs {width} px, has {room.width() - margin}"
    if height > room.height() + SLACK_PX + 2:
        return f"text needs {height} px height, has {room.height()}"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    text = button.text()
    if not text:
        return None
    option = QStyleOptionButton()
    option.initFrom(button)
    option.text = text
    metrics = button.fontMetrics()
    width = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    height = metrics.height() * len(text.split("\n"))
    # the room for text: the style's contents rect (padding from the style sheet included)
    room = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    if not room.isValid() or room.width() <= 0:
        room = button.contentsRect()
    if width > room.width() + SLACK_PX:
        return f"text needs {width} px, button has {room.width()}"
    if height > button.height() + SLACK_PX:
        return f"text needs {height} px height, button has {button.height()}"
    return None


def _visible_children(widget: QWidget) -> list[QWidget]:
    return [
        c
        for c in widget.children()
        if isinstance(c, QWidget) and not c.isWindow() and c.isVisible()
    ]


def _in_scroll_viewport(widget: QWidget) -> bool:
    """Children of a scroll area's viewport may extend beyond it (that is scrolling)."""
    parent = widget.parentWidget()
    return parent is not None and isinstance(parent.parentWidget(), QAbstractScrollArea)


def problems(root: QWidget, *, allow_scroll: bool = False) -> list[str]:
    """Every clipped text, overlap and cut-off widget under `root` (visible widgets only)."""
    found: list[str] = []
    size = root.size()
    hint = root.minimumSizeHint()
    if hint.width() > size.width() or hint.height() > size.height():
        found.append(
            f"{name_of(root)}: needs at least {hint.width()}×{hint.height()} px, "
            f"given {size.width()}×{size.height()}"
        )
    stack = [root]
    while stack:
        widget = stack.pop()
        children = _visible_children(widget)
        if isinstance(widget, QHeaderView | QComboBox | QAbstractSpinBox | QLineEdit):
            children = []  # composite widgets draw their own parts
        stack.extend(children)
        if widget is not root:
            issue = None
            if isinstance(widget, QLabel):
                issue = _label_problem(widget)
            elif isinstance(widget, QAbstractButton):
                issue = _button_problem(widget)
            elif isinstance(widget, QScrollBar) and not allow_scroll:
                owner = widget.parentWidget()
                while owner is not None and not isinstance(owner, QAbstractScrollArea):
                    owner = owner.parentWidget()
                if widget.maximum() > widget.minimum() and not _is_data_view(owner):
                    issue = "scroll bar shown: the content does not fit"
            if issue:
                found.append(f"{name_of(widget)}: {issue}")
        parent = widget.parentWidget()
        is_viewport = isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget
        if _in_scroll_viewport(widget) or is_viewport or isinstance(widget, QAbstractScrollArea):
            continue  # scrolling content (taller than its viewport), or a scroll area's parts
        inside = QRect(0, 0, widget.width(), widget.height())
        for child in children:
            if not inside.adjusted(-SLACK_PX, -SLACK_PX, SLACK_PX, SLACK_PX).contains(
                child.geometry()
            ):
                found.append(
                    f"{name_of(child)}: reaches outside {name_of(widget)} "
                    f"({_rect(child.geometry())} in {widget.width()}×{widget.height()})"
                )
        for i, a in enumerate(children):
            for b in children[i + 1 :]:
                overlap = a.geometry().intersected(b.geometry())
                if overlap.width() > SLACK_PX and overlap.height() > SLACK_PX:
                    found.append(f"{name_of(a)} overlaps {name_of(b)} ({_rect(overlap)})")
    return found


def _is_data_view(area: QWidget | None) -> bool:
    """Tables and lists scroll by design (an alarm list can be long); screens must not."""
    from PySide6.QtWidgets import QAbstractItemView

    return isinstance(area, QAbstractItemView)


def _rect(r: QRect) -> str:
    return f"{r.width()}×{r.height()}+{r.x()}+{r.y()}"
