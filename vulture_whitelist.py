"""Names vulture cannot see being used (`make deadcode`). Each says who uses it; none is run."""

# ecr_shared_services.__getattr__: Python calls a module's __getattr__ for its lazily loaded names (PEP 562).
__getattr__
# plan/mocks.py: pulumi.runtime.Mocks.new_resource is called by the Pulumi SDK's mock monitor.
_.new_resource
# aws/arns.py ImageRef.digest: parsed from an image URI (`@sha256:…`), part of the value handed back.
_.digest

# policy-packs/ecr-guardrails/ecr_guardrails/model.py Rule.why: each rule's reason, kept beside its definition
# for readers of the catalog; the README's rule table carries the same text.
_.why
# provider/enums.py: enum members are read by Pulumi's component host into the schema, and chosen by users.
_.LAMBDA
_.CONDITION
_.IMMUTABLE
_.MUTABLE
_.IMMUTABLE_WITH_EXCLUSION
_.MUTABLE_WITH_EXCLUSION
_.AES256
_.KMS
_.ECS_TASKS
_.EKS_NODE
_.EKS_FARGATE
_.EC2
_.GITHUB_OIDC
_.CODEBUILD
_.EKS_POD_IDENTITY
_.EKS_IRSA
_.INLINE
_.MANAGED
_.AUTO
_.PLAIN
_.COMPACT
# provider/registry_args.py: a schema field the host fills; received.py reads it from the dict by key.
_.enabled
# tests/conftest.py: pytest reads `pytest_plugins`.
pytest_plugins
# tests/provider/fake_engine.py: gRPC servicer methods, called by the provider process over the wire.
_.Log
_.GetRootResource
_.SetRootResource
_.make_urn
_.SupportsFeature
_.GetDeploymentInfo
_.Invoke
_.RegisterResourceOutputs
_.RegisterPackage
_.SignalAndWaitForShutdown
# tests/typing/test_arguments_match_specs.py: a field declared only to show the sync test finds it.
_.audience
