"""Screenshots of the access-control UI at the panel's 1280×800, offscreen, on the real line:

python -m tests.ui.security_screenshots [OUT_DIR]    (default /tmp: sec-login.png,
    sec-first-run.png, sec-viewer.png, sec-audit.png, sec-users.png, sec-signature.png)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSWORD = "s3cret-pass"


def main(argv: list[str]) -> int:
    from PySide6.QtGui import QColor, QPainter
    from PySide6.QtWidgets import QApplication

    from hmi.core.roles import Role
    from hmi.runtime.service import LineService
    from hmi.security import make_hasher, open_security
    from hmi.ui.login import signature_dialog
    from hmi.ui.main_window import MainWindow
    from hmi.ui.theme import apply_theme
    from tests.ui.real_stack import build

    out = Path(argv[0]) if argv else Path("/tmp")
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    data = Path(tempfile.mkdtemp(prefix="hmi-sec-shots-"))
    security = open_security(data, hasher=make_hasher(cheap=True))
    runtime, _ = build()
    service = LineService(runtime, security, audit=security.audit)
    runtime.run_for(30.0)
    window = MainWindow(service, runtime.trend, security=security)
    window.timer.stop()
    window.resize(1280, 800)
    window.show()

    def shot(widget, name: str) -> None:
        """The window at 1280×800; a dialog is drawn centred over the dimmed window, as the
        panel shows it."""
        app.processEvents()
        window.refresh()
        for _ in range(3):  # layout requests travel up the widget tree one event at a time
            app.processEvents()
        image = window.grab()
        if widget is not window:
            painter = QPainter(image)
            painter.fillRect(image.rect(), QColor(0, 0, 0, 90))
            dialog = widget.grab()
            painter.drawPixmap(
                (image.width() - dialog.width()) // 2,
                (image.height() - dialog.height()) // 2,
                dialog,
            )
            painter.end()
        path = out / f"sec-{name}.png"
        image.save(str(path))
        print(path, image.width(), image.height())

    dialog = window.open_login()  # empty store: first-run set-up
    dialog.type_into("user", "chief")
    dialog.type_into("password", "short")
    shot(dialog, "first-run")
    dialog.fields["password"].setText(PASSWORD)
    dialog.fields["repeat"].setText(PASSWORD)
    dialog.confirm()
    for name, role in (("ann", Role.OPERATOR), ("eve", Role.ENGINEER), ("sam", Role.SUPERVISOR)):
        security.accounts.add(security.current, name, role, PASSWORD)
    window.logout()
    window.refresh()
    shot(window, "viewer")

    dialog = window.open_login()
    dialog.chips["ann"].click()
    dialog.type_into("password", "wrong-1")
    dialog.confirm()  # refused: the dialog says why
    shot(dialog, "login")
    dialog.fields["password"].setText(PASSWORD)
    dialog.confirm()
    for value in (42.5, 45.0):
        service.write_setpoint("line_speed_sp_m_min", value, reason="roll change")
        runtime.run_for(20.0)
    service.set_mode("manual")
    service.set_mode("auto")
    try:
        service.write_setpoint("web_width_mm", 800)  # an operator may not: refused, audited
    except PermissionError:
        pass
    window.refresh()
    shot(window, "operator")

    security.login("sam", PASSWORD)
    signature = signature_dialog(
        security, "recipe.approve", "LFP 30@1", {"recipe": "LFP 30"}, window
    )
    signature.open()
    signature.type_into("reason", "trial run passed")
    shot(signature, "signature")
    signature.reject()

    security.login("chief", PASSWORD)
    window.refresh()
    window.show_screen("Audit")
    window.refresh()
    shot(window, "audit")
    window.show_screen("Users")
    window.screens["Users"].select("ann")
    shot(window, "users")
    window.close()
    security.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
