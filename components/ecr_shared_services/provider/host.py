"""The component provider's main: serves SharedRegistry, PullerRole and PullerPolicy to every Pulumi language."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from pulumi.provider.experimental import component_provider_host

from ecr_shared_services.provider.components import PullerPolicy, PullerRole, SharedRegistry

PACKAGE = "ecr-shared-services"


def _version() -> str:
    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        # Run from a source tree that was never installed; the schema still needs a version.
        return "0.0.0"


def main() -> None:
    """Serve the provider as Pulumi runs a plugin: `python <plugin dir> <engine address>` prints its port."""
    component_provider_host([SharedRegistry, PullerRole, PullerPolicy], name=PACKAGE, version=_version())
