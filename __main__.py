"""The component provider's entry program, which Pulumi runs for PulumiPlugin.yaml: `python . <engine address>`."""

from ecr_shared_services.provider.host import main

if __name__ == "__main__":
    main()
