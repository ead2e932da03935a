"""The plant-level OPC UA server: the line on the plant network for MES, SCADA and historians
(docs/opcua.md). Sees the runtime (snapshots) and the services (writes go through the
LineService: permission check + audit); never Qt."""

from hmi.plantserver.server import PlantServer
from hmi.plantserver.settings import PlantServerSettings, load_settings

__all__ = ["PlantServer", "PlantServerSettings", "load_settings"]


def serve_stack(stack, endpoint: str | None) -> str | None:  # noqa: ANN001 (app's Stack)
    """Start the plant server on a built stack if the data directory's setting or
    `--opcua-server` asks for it; its stop joins the stack's closers. Returns an error text."""
    from hmi.core.about import version_text
    from hmi.plantserver.settings import PlantServerError
    from hmi.runtime.service import LineService

    try:
        settings = load_settings(stack.data_dir, endpoint)
    except PlantServerError as exc:
        return str(exc)
    if not settings.enabled:
        return None
    base = stack.service

    def service_for(session):  # noqa: ANN001, ANN202
        return LineService(stack.runtime, session, audit=base.audit, journal=base.journal,
                           signatures=stack.security)  # fmt: skip

    try:
        server = PlantServer(
            stack.runtime, stack.security, service_for, settings, stack.data_dir,
            recipes=stack.recipes, software=version_text(),
            quality=getattr(stack, "quality", None),
            alarm_definitions=getattr(getattr(stack.runtime, "alarms", None), "definitions",
                                      None),  # the engine's own: one condition per alarm
        )  # fmt: skip
        server.start()
    except OSError as exc:
        return f"--opcua-server: cannot serve {settings.endpoint}: {exc}"
    stack.closers.append(server.stop)
    return None
