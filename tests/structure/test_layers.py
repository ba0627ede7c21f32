"""The layers import only earlier layers, and the pure core imports neither Pulumi nor boto3.

Each layer is imported, every module of it, in a fresh interpreter that records who imported what, so
that a failure names the import that broke the order.
"""

from __future__ import annotations

import json
import pathlib
import pkgutil
import subprocess
import sys
import textwrap

import pytest

# The declared order: each layer may import only the layers before it. `provider` serves the components to
# other Pulumi languages; it sits beside `plan` at the edge, after the components.
ORDER = ("aws", "spec", "policy", "access", "components", "provider", "plan", "cli")
# Modules at the package root, by the layer they belong to (errors and codes are the specs' vocabulary).
ROOT_MODULES = {
    "errors": "spec",
    "codes": "spec",
    "arguments": "spec",
    "shared_registry": "components",
    "puller_role": "components",
    "puller_policy": "components",
}
# Layers that must import without Pulumi (they run in the CLI and the policy pack too).
PURE = {"aws", "spec", "policy", "access"}
# boto3 is an optional extra, imported only when `doctor` runs.
NEVER_AT_IMPORT = {"boto3", "botocore"}

PROBE = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys

    importer = {}

    class Watch:
        # Records, for each module first imported, the module and line that asked for it.
        def find_spec(self, name, path=None, target=None):
            if name not in importer:
                frame = sys._getframe(1)
                while frame and frame.f_globals.get("__name__", "").startswith(("importlib", "_frozen_importlib")):
                    frame = frame.f_back
                importer[name] = [frame.f_globals.get("__name__"), frame.f_lineno] if frame else None
            return None

    sys.meta_path.insert(0, Watch())
    targets = json.loads(sys.argv[1])
    for target in targets:
        module = importlib.import_module(target)
        for info in pkgutil.walk_packages(getattr(module, "__path__", []), target + "."):
            if not info.name.endswith(".__main__"):  # __main__ runs the CLI
                importlib.import_module(info.name)
    print(json.dumps({"modules": sorted(sys.modules), "importer": importer}))
    """
)


def layer_of(module: str) -> str | None:
    """The layer of one of our modules (None for the package itself and for others' modules)."""
    parts = module.split(".")
    if parts[0] != "ecr_shared_services" or len(parts) == 1:
        return None
    return ROOT_MODULES.get(parts[1], parts[1])


def targets_of(layer: str) -> list[str]:
    roots = [f"ecr_shared_services.{name}" for name, home in ROOT_MODULES.items() if home == layer]
    return roots if layer == "components" else [f"ecr_shared_services.{layer}", *roots]


Importer = dict[str, "tuple[str, int] | None"]


def probe(layer: str) -> tuple[list[str], Importer]:
    """The modules loaded by importing every module of `layer`, and who first imported each."""
    run = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(targets_of(layer))], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    importer: Importer = {name: (str(o[0]), int(o[1])) if o else None for name, o in result["importer"].items()}
    return [str(m) for m in result["modules"]], importer


def chain(module: str, importer: Importer, layer: str) -> str:
    """How `module` came to be imported, from the last module of `layer` down to it."""
    steps = []
    current = module
    while layer_of(current) != layer and (origin := importer.get(current)):
        name, line = origin
        steps.append(f"{name} (line {line}) imports {current}")
        current = name
    return "; ".join(reversed(steps))


def layering_problems(layer: str, modules: list[str], importer: Importer) -> list[str]:
    """Each module `layer` must not pull in, with the chain of imports that pulled it in."""
    allowed = set(ORDER[: ORDER.index(layer) + 1])
    forbidden = {"pulumi", *NEVER_AT_IMPORT} if layer in PURE else set(NEVER_AT_IMPORT)
    offending = [m for m in modules if m in forbidden or (layer_of(m) or layer) not in allowed]
    return [f"{m}: {chain(m, importer, layer)}" for m in offending]


@pytest.mark.parametrize("layer", ORDER)
def test_a_layer_imports_only_earlier_layers(layer: str) -> None:
    problems = layering_problems(layer, *probe(layer))
    allowed = list(ORDER[: ORDER.index(layer) + 1])
    assert not problems, (
        f"layer {layer} may import only {allowed}"
        + (" and neither pulumi nor boto3" if layer in PURE else " and not boto3")
        + ", but it pulls in:\n  "
        + "\n  ".join(problems)
    )


def test_a_backward_import_is_named_with_the_line_that_made_it() -> None:
    importer: Importer = {
        "ecr_shared_services.access.evaluator": ("ecr_shared_services.spec.puller", 12),
        "ecr_shared_services.access": ("ecr_shared_services.access.evaluator", 1),
        "pulumi": ("ecr_shared_services.access.evaluator", 7),
    }
    modules = ["ecr_shared_services.spec.puller", "ecr_shared_services.access.evaluator", "pulumi", "json"]
    assert layering_problems("spec", modules, importer) == [
        "ecr_shared_services.access.evaluator: ecr_shared_services.spec.puller (line 12) imports "
        "ecr_shared_services.access.evaluator",
        "pulumi: ecr_shared_services.spec.puller (line 12) imports ecr_shared_services.access.evaluator; "
        "ecr_shared_services.access.evaluator (line 7) imports pulumi",
    ]
    assert layering_problems("access", modules, importer) == [
        "pulumi: ecr_shared_services.access.evaluator (line 7) imports pulumi"
    ]


def test_every_module_of_the_package_belongs_to_a_declared_layer() -> None:
    root = pathlib.Path(__file__).resolve().parents[2] / "components" / "ecr_shared_services"
    layers = {
        name: layer_of(f"ecr_shared_services.{name}") for name in (i.name for i in pkgutil.iter_modules([str(root)]))
    }
    assert {n: layer for n, layer in layers.items() if layer not in ORDER} == {}
