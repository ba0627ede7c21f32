"""The component provider: `SharedRegistry`, `PullerRole` and `PullerPolicy` for TypeScript, Go, C#, Java and
YAML programs.

`PulumiPlugin.yaml` at the repository root runs it; `pulumi package add <repository>` generates an SDK from
its schema, which Pulumi infers from the argument classes here. Validation stays in the specs.
"""
