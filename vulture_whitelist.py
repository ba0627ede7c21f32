"""Names vulture cannot see being used (`make deadcode`). Each says who uses it; none is run."""

# ecr_shared_services.__getattr__: Python calls a module's __getattr__ for its lazily loaded names (PEP 562).
__getattr__
# plan/mocks.py: pulumi.runtime.Mocks.new_resource is called by the Pulumi SDK's mock monitor.
_.new_resource
# aws/arns.py ImageRef.digest: parsed from an image URI (`@sha256:…`), part of the value handed back.
_.digest

# Unused, still to be removed by the owners of these files (access/, policy-packs/, tests/access/):
SUPPORTED_OPERATORS  # access/conditions.py
_.mismatch  # access/matching.py StatementMatch.mismatch
_.why  # policy-packs/ecr-guardrails/ecr_guardrails/model.py Rule.why
SAME_IMAGE  # tests/access/test_access_table.py
